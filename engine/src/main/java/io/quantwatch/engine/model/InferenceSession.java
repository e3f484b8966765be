package io.quantwatch.engine.model;

import io.quantwatch.engine.tensor.RowParallelism;
import io.quantwatch.engine.tensor.WeightMatrix;
import io.quantwatch.engine.tokenizer.Tokenizer;
import java.util.concurrent.CancellationException;

/**
 * Per-request state of one model: KV cache, activation buffers and matmul threads. Feed tokens one at a time with
 * {@link #forward(int)}, or many at once with {@link #prefill} and {@link #forwardBlock} (the same arithmetic on a
 * block of tokens, bit-for-bit the same logits); {@link #reset()} starts a new sequence. Not thread-safe.
 */
public final class InferenceSession implements DecodingSession {
    /**
     * Tokens one batched pass takes at most, by default. Each weight row is read once per block, so larger blocks save
     * memory traffic; the activation buffers (block × hidden size) and the logits of a block (block × vocabulary) grow
     * with it.
     */
    public static final int DEFAULT_BLOCK = 32;

    /** The largest block a session may be given. */
    public static final int MAX_BLOCK = 512;

    private final LlamaModel model;
    private final LlamaConfig c;
    private final RowParallelism parallel;
    private final int capacity;
    private final int block;
    private final float[][] keyCache;
    private final float[][] valueCache;
    // Activations of up to one block of tokens, row t of each at t × its width.
    private final float[] x;
    private final float[] xb;
    private final float[] xb2;
    private final float[] q;
    /** The heads' attention output, heads × head size wide per token (the output projection's input). */
    private final float[] attOut;

    private final float[] k;
    private final float[] v;
    private final float[] att;
    private final float[] hb;
    private final float[] hb2;
    /** The next-token logits of the last position fed. */
    private final float[] logits;
    /** The last position's final hidden state, alone at offset 0 for the output projection. */
    private final float[] lastHidden;
    /** Logits of every position of a block, allocated on the first {@link #forwardBlock}. */
    private float[] blockLogits;

    private final BlockRules rules;
    /** The rotation tables, [0] the model's and, when sliding layers rotate with their own base, [1] theirs. */
    private final float[][] ropeCos;

    private final float[][] ropeSin;
    private int position;

    /**
     * Floats of one layer's key (or value) cache for {@code capacity} positions, checked with exact arithmetic: a
     * capacity the model file or the configuration makes too large is refused with the sizes, never an overflow or an
     * out-of-memory error half-way through allocating.
     */
    static int cacheFloats(LlamaConfig c, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a session needs at least one position, got " + capacity);
        }
        long floats = Math.multiplyExact((long) capacity, (long) c.kvDim());
        long bytes = Math.multiplyExact(Math.multiplyExact(floats, 8L), (long) c.layers()); // keys + values, 4 B each
        if (floats > Integer.MAX_VALUE - 8 || bytes > Runtime.getRuntime().maxMemory() / 2) {
            throw new IllegalArgumentException(String.format(
                    "a KV cache of %d positions × %d key/value dims × %d layers needs %.1f GiB (this JVM may use"
                            + " %.1f GiB): lower engine.max-prompt-tokens or engine.max-tokens, or give the TaskManager"
                            + " more memory",
                    capacity,
                    c.kvDim(),
                    c.layers(),
                    bytes / (double) (1L << 30),
                    Runtime.getRuntime().maxMemory() / (double) (1L << 30)));
        }
        return (int) floats;
    }

    InferenceSession(LlamaModel model, int threads, int capacity, int block) {
        if (block < 1 || block > MAX_BLOCK) {
            throw new IllegalArgumentException("block size must be 1 to " + MAX_BLOCK + ", got " + block);
        }
        this.model = model;
        this.c = model.config();
        this.parallel = new RowParallelism(threads);
        this.capacity = capacity;
        this.block = block;
        int kvDim = c.kvDim();
        int cacheFloats = cacheFloats(c, capacity);
        keyCache = new float[c.layers()][cacheFloats];
        valueCache = new float[c.layers()][cacheFloats];
        x = new float[block * c.dim()];
        xb = new float[block * c.dim()];
        xb2 = new float[block * c.dim()];
        q = new float[block * c.qDim()];
        attOut = new float[block * c.qDim()];
        k = new float[block * kvDim];
        v = new float[block * kvDim];
        att = new float[capacity];
        hb = new float[block * c.hiddenDim()];
        hb2 = new float[block * c.hiddenDim()];
        logits = new float[c.vocabSize()];
        lastHidden = new float[c.dim()];
        this.rules = c.rules();
        BlockRules.LocalRope local = rules.localRope();
        int tables = local == null ? 1 : 2;
        ropeCos = new float[tables][];
        ropeSin = new float[tables][];
        fillRope(0, c.ropeBase(), c.ropeScaling());
        if (local != null) {
            fillRope(1, local.base(), local.scaling());
        }
    }

    private void fillRope(int table, float base, LlamaConfig.RopeScaling scaling) {
        int half = c.headSize() / 2;
        ropeCos[table] = new float[capacity * half];
        ropeSin[table] = new float[capacity * half];
        for (int pos = 0; pos < capacity; pos++) {
            for (int i = 0; i < half; i++) {
                double theta = scaling.theta(pos, i, base, c.headSize());
                ropeCos[table][pos * half + i] = (float) (Math.cos(theta) * scaling.magnitude());
                ropeSin[table][pos * half + i] = (float) (Math.sin(theta) * scaling.magnitude());
            }
        }
    }

    public LlamaModel model() {
        return model;
    }

    @Override
    public Tokenizer tokenizer() {
        return model.tokenizer();
    }

    @Override
    public int vocabSize() {
        return c.vocabSize();
    }

    /** Tokens fed since the last reset. */
    public int position() {
        return position;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    /** The most tokens one batched pass of this session takes ({@link #forwardBlock}). */
    @Override
    public int blockSize() {
        return block;
    }

    @Override
    public void reset() {
        position = 0;
    }

    /**
     * Forgets every token from {@code newPosition} on, keeping the cache before it: the next token fed goes to
     * {@code newPosition}. A candidate verified against the reference's tokens resumes from its first divergence.
     */
    @Override
    public void rewind(int newPosition) {
        if (newPosition < 0 || newPosition > position) {
            throw new IllegalArgumentException("cannot rewind to " + newPosition + " from position " + position);
        }
        position = newPosition;
    }

    /**
     * Feeds one token at the current position and returns the next-token logits. The returned array is reused by the
     * next call. An interrupted caller (a shadow deadline passed) stops here with a {@link CancellationException};
     * {@link #reset()} makes the session usable again.
     */
    @Override
    public float[] forward(int token) {
        layers(new int[] {token}, 0, 1);
        parallel.matvec(model.weights().output(), x, logits);
        softcapLogits(logits, 1);
        return logits;
    }

    /**
     * Feeds {@code tokens[off, off + n)} in blocks and returns the logits after the last of them (reused by the next
     * call), bit-for-bit what feeding them one by one with {@link #forward} returns; the other positions' logits are
     * never computed, which is most of the saving on a long prompt.
     */
    @Override
    public float[] prefill(int[] tokens, int off, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("prefill needs at least one token, got " + n);
        }
        if (block == 1) {
            float[] last = null;
            for (int i = 0; i < n; i++) {
                last = forward(tokens[off + i]);
            }
            return last;
        }
        int done = 0;
        while (done < n) {
            int m = Math.min(block, n - done);
            layers(tokens, off + done, m);
            done += m;
            if (done == n) {
                System.arraycopy(x, (m - 1) * c.dim(), lastHidden, 0, c.dim());
            }
        }
        parallel.matvec(model.weights().output(), lastHidden, logits);
        softcapLogits(logits, 1);
        return logits;
    }

    /**
     * Feeds {@code tokens[off, off + n)}, n at most {@link #blockSize()}, and returns the next-token logits after each of
     * them: row t (at t × vocabulary) follows token off + t. The array is reused by the next call. Bit-for-bit what
     * {@link #forward} returns token by token: teacher forcing scores a whole answer this way.
     */
    @Override
    public float[] forwardBlock(int[] tokens, int off, int n) {
        if (n < 1 || n > block) {
            throw new IllegalArgumentException("a block holds 1 to " + block + " tokens, got " + n);
        }
        if (blockLogits == null) {
            blockLogits = new float[Math.multiplyExact(block, c.vocabSize())];
        }
        layers(tokens, off, n);
        parallel.matmul(model.weights().output(), x, n, blockLogits);
        softcapLogits(blockLogits, n);
        return blockLogits;
    }

    /**
     * Runs tokens[off, off + n) (n ≤ block) through every layer at the next positions and leaves their final, normed
     * hidden states in {@code x}, row t at t × dim.
     */
    private void layers(int[] tokens, int off, int n) {
        if (Thread.interrupted()) {
            throw new CancellationException("inference interrupted after " + position + " positions (deadline passed)");
        }
        if (position + n > capacity) {
            throw new IllegalStateException("sequence longer than the session's " + capacity + " positions");
        }
        for (int t = 0; t < n; t++) {
            int token = tokens[off + t];
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException(
                        "token id " + token + " outside the vocabulary [0, " + c.vocabSize() + ")");
            }
        }
        LlamaWeights w = model.weights();
        int dim = c.dim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int hidden = c.hiddenDim();
        for (int t = 0; t < n; t++) {
            w.tokenEmbedding().dequantizeRow(tokens[off + t], x, t * dim);
        }
        if (rules.embeddingScale() != 1f) {
            float scale = rules.embeddingScale();
            for (int i = 0; i < n * dim; i++) {
                x[i] *= scale;
            }
        }
        int headSize = c.headSize();

        for (int l = 0; l < c.layers(); l++) {
            LayerWeights layer = w.layers().get(l);
            for (int t = 0; t < n; t++) {
                rmsNorm(xb, x, t * dim, dim, layer.attnNorm());
            }
            matmul(layer.wq(), xb, n, q);
            matmul(layer.wk(), xb, n, k);
            matmul(layer.wv(), xb, n, v);
            LayerWeights.AttentionBias bias = layer.bias();
            LayerWeights.QueryKeyNorms qkNorm = layer.qkNorm();
            int table = rules.localRope() != null && rules.sliding(l) ? 1 : 0;
            for (int t = 0; t < n; t++) {
                int pos = position + t;
                add(q, t * qDim, bias.q());
                add(k, t * kvDim, bias.k());
                add(v, t * kvDim, bias.v());
                if (qkNorm.query() != null) {
                    // Qwen3 and Gemma 3 normalize each head of the queries and keys before rotating them.
                    for (int h = 0; h < c.heads(); h++) {
                        rmsNorm(q, q, t * qDim + h * headSize, headSize, qkNorm.query());
                    }
                    for (int h = 0; h < c.kvHeads(); h++) {
                        rmsNorm(k, k, t * kvDim + h * headSize, headSize, qkNorm.key());
                    }
                }
                rope(q, t * qDim, c.heads(), pos, table);
                rope(k, t * kvDim, c.kvHeads(), pos, table);
                if (rules.queryScale() > 0) {
                    for (int i = t * qDim; i < (t + 1) * qDim; i++) {
                        q[i] *= rules.queryScale();
                    }
                }
                System.arraycopy(k, t * kvDim, keyCache[l], pos * kvDim, kvDim);
                System.arraycopy(v, t * kvDim, valueCache[l], pos * kvDim, kvDim);
            }
            for (int t = 0; t < n; t++) {
                attend(l, t, position + t);
            }
            matmul(layer.wo(), attOut, n, xb2);
            for (int t = 0; t < n; t++) {
                add(xb2, t * dim, bias.output());
                if (layer.post().attention() != null) {
                    rmsNorm(xb2, xb2, t * dim, dim, layer.post().attention());
                }
            }
            for (int i = 0; i < n * dim; i++) {
                x[i] += xb2[i];
            }

            for (int t = 0; t < n; t++) {
                rmsNorm(xb, x, t * dim, dim, layer.ffnNorm());
            }
            matmul(layer.gate(), xb, n, hb);
            matmul(layer.up(), xb, n, hb2);
            if (rules.gelu()) {
                for (int i = 0; i < n * hidden; i++) {
                    hb[i] = GeluTable.apply(hb[i]) * hb2[i];
                }
            } else {
                for (int i = 0; i < n * hidden; i++) {
                    float g = hb[i];
                    hb[i] = g / (1f + (float) Math.exp(-g)) * hb2[i];
                }
            }
            matmul(layer.down(), hb, n, xb2);
            if (layer.post().ffn() != null) {
                for (int t = 0; t < n; t++) {
                    rmsNorm(xb2, xb2, t * dim, dim, layer.post().ffn());
                }
            }
            for (int i = 0; i < n * dim; i++) {
                x[i] += xb2[i];
            }
        }
        for (int t = 0; t < n; t++) {
            rmsNorm(x, x, t * dim, dim, w.outputNorm());
        }
        position += n;
    }

    /** A product through the threads: the single-input kernels for one token, the tile kernels for a block. */
    private void matmul(WeightMatrix m, float[] in, int n, float[] out) {
        if (n == 1) {
            parallel.matvec(m, in, out);
        } else {
            parallel.matmul(m, in, n, out);
        }
    }

    /**
     * Causal attention of block row t (at absolute position pos) over the cache up to pos, into attOut row t; a sliding
     * layer sees only the last {@code slidingWindow} positions (llama.cpp masks the older ones to -inf, which adds exact
     * zeros to the softmax's sum).
     */
    private void attend(int layer, int t, int pos) {
        int headSize = c.headSize();
        int kvDim = c.kvDim();
        int qDim = c.qDim();
        int groupFactor = c.heads() / c.kvHeads();
        // Gemma's queries were scaled before the product; llama.cpp then multiplies the scores by 1.
        float attScale = rules.queryScale() > 0 ? 1f : (float) (1.0 / Math.sqrt(headSize));
        float cap = rules.attentionSoftcap();
        int first = rules.sliding(layer) ? Math.max(0, pos - rules.slidingWindow() + 1) : 0;
        float[] kc = keyCache[layer];
        float[] vc = valueCache[layer];
        for (int h = 0; h < c.heads(); h++) {
            int qOff = t * qDim + h * headSize;
            int kvOff = (h / groupFactor) * headSize;
            float max = Float.NEGATIVE_INFINITY;
            for (int s = first; s <= pos; s++) {
                float score = model.kernels().f32(q, qOff, kc, s * kvDim + kvOff, headSize) * attScale;
                if (cap > 0) {
                    score = softcap(score, cap);
                }
                att[s - first] = score;
                max = Math.max(max, score);
            }
            int span = pos + 1 - first;
            double sum = 0;
            for (int s = 0; s < span; s++) {
                float e = (float) Math.exp(att[s] - max);
                att[s] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int s = 0; s < span; s++) {
                att[s] *= inv;
            }
            model.kernels()
                    .weightedSum(
                            att, span, vc, first * kvDim + kvOff, kvDim, attOut, t * qDim + h * headSize, headSize);
        }
    }

    /** cap · tanh(x · (1 / cap)), in ggml's order of float operations. */
    private static float softcap(float x, float cap) {
        return (float) Math.tanh(x * (1f / cap)) * cap;
    }

    /** The family's final soft-cap over n rows of logits, when it has one. */
    private void softcapLogits(float[] rows, int n) {
        if (rules.finalSoftcap() > 0) {
            float cap = rules.finalSoftcap();
            for (int i = 0; i < n * c.vocabSize(); i++) {
                rows[i] = softcap(rows[i], cap);
            }
        }
    }

    /** vec[off…] += bias, when the block has that bias. */
    private static void add(float[] vec, int off, float[] bias) {
        if (bias != null) {
            for (int i = 0; i < bias.length; i++) {
                vec[off + i] += bias[i];
            }
        }
    }

    /** out[off…] = in[off…] / rms · weight over n values; the mean square is summed in double, as ggml does. */
    private void rmsNorm(float[] out, float[] in, int off, int n, float[] weight) {
        double ss = 0;
        for (int i = 0; i < n; i++) {
            float f = in[off + i];
            ss += f * f;
        }
        float scale = (float) (1.0 / Math.sqrt(ss / n + c.rmsEps()));
        for (int i = 0; i < n; i++) {
            out[off + i] = (in[off + i] * scale) * weight[i];
        }
    }

    /**
     * Rotates each head's pairs by the position's angles: adjacent pairs (llama.cpp's "normal" rope, as GGUF llama
     * weights expect) or the two halves of the head (NEOX, as qwen2's).
     */
    private void rope(float[] vec, int off, int heads, int pos, int table) {
        int headSize = c.headSize();
        int half = headSize / 2;
        int base = pos * half;
        float[] cosines = ropeCos[table];
        float[] sines = ropeSin[table];
        boolean neox = c.ropeStyle() == LlamaConfig.RopeStyle.NEOX;
        for (int h = 0; h < heads; h++) {
            int head = off + h * headSize;
            for (int i = 0; i < half; i++) {
                float cos = cosines[base + i];
                float sin = sines[base + i];
                int i0 = neox ? head + i : head + 2 * i;
                int i1 = neox ? head + i + half : head + 2 * i + 1;
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
