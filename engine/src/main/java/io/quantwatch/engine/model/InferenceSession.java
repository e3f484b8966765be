package io.quantwatch.engine.model;

import io.quantwatch.engine.tensor.RowParallelism;
import java.util.Arrays;
import java.util.concurrent.CancellationException;

/**
 * Per-request state of one model: KV cache, activation buffers and matmul threads. Feed tokens
 * one at a time with {@link #forward(int)}; {@link #reset()} starts a new sequence. Not thread-safe.
 */
public final class InferenceSession implements AutoCloseable {
    private final LlamaModel model;
    private final LlamaConfig c;
    private final RowParallelism parallel;
    private final int capacity;
    private final float[][] keyCache;
    private final float[][] valueCache;
    private final float[] x;
    private final float[] xb;
    private final float[] xb2;
    private final float[] q;
    /** The heads' attention output, heads × head size wide (the output projection's input). */
    private final float[] attOut;

    private final float[] k;
    private final float[] v;
    private final float[] att;
    private final float[] hb;
    private final float[] hb2;
    private final float[] logits;
    private final float[] ropeCos;
    private final float[] ropeSin;
    private int position;

    InferenceSession(LlamaModel model, int threads, int capacity) {
        this.model = model;
        this.c = model.config();
        this.parallel = new RowParallelism(threads);
        this.capacity = capacity;
        int kvDim = c.kvDim();
        keyCache = new float[c.layers()][capacity * kvDim];
        valueCache = new float[c.layers()][capacity * kvDim];
        x = new float[c.dim()];
        xb = new float[c.dim()];
        xb2 = new float[c.dim()];
        q = new float[c.qDim()];
        attOut = new float[c.qDim()];
        k = new float[kvDim];
        v = new float[kvDim];
        att = new float[capacity];
        hb = new float[c.hiddenDim()];
        hb2 = new float[c.hiddenDim()];
        logits = new float[c.vocabSize()];
        int half = c.headSize() / 2;
        ropeCos = new float[capacity * half];
        ropeSin = new float[capacity * half];
        for (int pos = 0; pos < capacity; pos++) {
            for (int i = 0; i < half; i++) {
                double theta = c.ropeScaling().theta(pos, i, c.ropeBase(), c.headSize());
                ropeCos[pos * half + i] = (float) Math.cos(theta);
                ropeSin[pos * half + i] = (float) Math.sin(theta);
            }
        }
    }

    public LlamaModel model() {
        return model;
    }

    /** Tokens fed since the last reset. */
    public int position() {
        return position;
    }

    public int capacity() {
        return capacity;
    }

    public void reset() {
        position = 0;
    }

    /**
     * Feeds one token at the current position and returns the next-token logits. The returned
     * array is reused by the next call. An interrupted caller (a shadow deadline passed) stops here with a
     * {@link CancellationException}; {@link #reset()} makes the session usable again.
     */
    public float[] forward(int token) {
        if (Thread.interrupted()) {
            throw new CancellationException("inference interrupted after " + position + " positions (deadline passed)");
        }
        if (position >= capacity) {
            throw new IllegalStateException("sequence longer than the session's " + capacity + " positions");
        }
        if (token < 0 || token >= c.vocabSize()) {
            throw new IllegalArgumentException(
                    "token id " + token + " outside the vocabulary [0, " + c.vocabSize() + ")");
        }
        LlamaWeights w = model.weights();
        int dim = c.dim();
        int headSize = c.headSize();
        int kvDim = c.kvDim();
        int groupFactor = c.heads() / c.kvHeads();
        float attScale = (float) (1.0 / Math.sqrt(headSize));
        w.tokenEmbedding().dequantizeRow(token, x, 0);

        for (int l = 0; l < c.layers(); l++) {
            LayerWeights layer = w.layers().get(l);
            rmsNorm(xb, x, layer.attnNorm());
            parallel.matvec(layer.wq(), xb, q);
            parallel.matvec(layer.wk(), xb, k);
            parallel.matvec(layer.wv(), xb, v);
            LayerWeights.AttentionBias bias = layer.bias();
            add(q, bias.q());
            add(k, bias.k());
            add(v, bias.v());
            rope(q, c.heads());
            rope(k, c.kvHeads());
            System.arraycopy(k, 0, keyCache[l], position * kvDim, kvDim);
            System.arraycopy(v, 0, valueCache[l], position * kvDim, kvDim);

            float[] kc = keyCache[l];
            float[] vc = valueCache[l];
            for (int h = 0; h < c.heads(); h++) {
                int qOff = h * headSize;
                int kvOff = (h / groupFactor) * headSize;
                float max = Float.NEGATIVE_INFINITY;
                for (int t = 0; t <= position; t++) {
                    float s = model.kernels().f32(q, qOff, kc, t * kvDim + kvOff, headSize) * attScale;
                    att[t] = s;
                    max = Math.max(max, s);
                }
                double sum = 0;
                for (int t = 0; t <= position; t++) {
                    float e = (float) Math.exp(att[t] - max);
                    att[t] = e;
                    sum += e;
                }
                float inv = (float) (1.0 / sum);
                int outOff = h * headSize;
                Arrays.fill(attOut, outOff, outOff + headSize, 0f);
                for (int t = 0; t <= position; t++) {
                    float a = att[t] * inv;
                    int vOff = t * kvDim + kvOff;
                    for (int i = 0; i < headSize; i++) {
                        attOut[outOff + i] += a * vc[vOff + i];
                    }
                }
            }
            parallel.matvec(layer.wo(), attOut, xb2);
            add(xb2, bias.output());
            for (int i = 0; i < dim; i++) {
                x[i] += xb2[i];
            }

            rmsNorm(xb, x, layer.ffnNorm());
            parallel.matvec(layer.gate(), xb, hb);
            parallel.matvec(layer.up(), xb, hb2);
            for (int i = 0; i < hb.length; i++) {
                float g = hb[i];
                hb[i] = g / (1f + (float) Math.exp(-g)) * hb2[i];
            }
            parallel.matvec(layer.down(), hb, xb2);
            for (int i = 0; i < dim; i++) {
                x[i] += xb2[i];
            }
        }
        rmsNorm(x, x, w.outputNorm());
        parallel.matvec(w.output(), x, logits);
        position++;
        return logits;
    }

    /** vec += bias, when the block has that bias. */
    private static void add(float[] vec, float[] bias) {
        if (bias != null) {
            for (int i = 0; i < bias.length; i++) {
                vec[i] += bias[i];
            }
        }
    }

    /** out = x / rms(x) · weight; the mean square is summed in double, as ggml does. */
    private void rmsNorm(float[] out, float[] in, float[] weight) {
        double ss = 0;
        for (float f : in) {
            ss += f * f;
        }
        float scale = (float) (1.0 / Math.sqrt(ss / in.length + c.rmsEps()));
        for (int i = 0; i < in.length; i++) {
            out[i] = (in[i] * scale) * weight[i];
        }
    }

    /**
     * Rotates each head's pairs by the position's angles: adjacent pairs (llama.cpp's "normal" rope, as GGUF llama
     * weights expect) or the two halves of the head (NEOX, as qwen2's).
     */
    private void rope(float[] vec, int heads) {
        int headSize = c.headSize();
        int half = headSize / 2;
        int base = position * half;
        boolean neox = c.ropeStyle() == LlamaConfig.RopeStyle.NEOX;
        for (int h = 0; h < heads; h++) {
            int off = h * headSize;
            for (int i = 0; i < half; i++) {
                float cos = ropeCos[base + i];
                float sin = ropeSin[base + i];
                int i0 = neox ? off + i : off + 2 * i;
                int i1 = neox ? off + i + half : off + 2 * i + 1;
                float a = vec[i0];
                float b = vec[i1];
                vec[i0] = a * cos - b * sin;
                vec[i1] = a * sin + b * cos;
            }
        }
    }

    @Override
    public void close() {
        parallel.close();
    }
}
