package io.quantwatch.engine.tensor;

import java.nio.ByteBuffer;

/** Plain-Java kernels: the fallback when the Vector API is absent, and the reference the vector ones are tested against. */
final class ScalarDotKernels implements DotKernels {
    static final ScalarDotKernels INSTANCE = new ScalarDotKernels();

    private ScalarDotKernels() {}

    @Override
    public float f32(float[] w, int wOff, float[] x, int xOff, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += w[wOff + i] * x[xOff + i];
        }
        return s;
    }

    @Override
    public float f16(short[] w, int wOff, float[] x, int xOff, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += HalfFloat.toFloat(w[wOff + i]) * x[xOff + i];
        }
        return s;
    }

    @Override
    public float f16(ByteBuffer w, int wByteOff, float[] x, int xOff, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += HalfFloat.toFloat(w.getShort(wByteOff + 2 * i)) * x[xOff + i];
        }
        return s;
    }

    @Override
    public float bf16(short[] w, int wOff, float[] x, int xOff, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += HalfFloat.bf16ToFloat(w[wOff + i]) * x[xOff + i];
        }
        return s;
    }

    @Override
    public float int8(byte[] q, int qOff, float[] x, int xOff, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += q[qOff + i] * x[xOff + i];
        }
        return s;
    }

    @Override
    public float nibbles(byte[] packed, int byteOff, float[] x, int xOff, int groupSize, int bias) {
        int half = groupSize / 2;
        float s = 0;
        for (int j = 0; j < half; j++) {
            int b = packed[byteOff + j];
            s += ((b & 0x0F) - bias) * x[xOff + j];
            s += (((b >>> 4) & 0x0F) - bias) * x[xOff + half + j];
        }
        return s;
    }

    @Override
    public float int8Row(
            byte[] q,
            int qOff,
            float[] scales,
            int sOff,
            byte[] zeros,
            float[] xSums,
            int sumsOff,
            float[] x,
            int xOff,
            int cols,
            int groupSize) {
        float acc = 0;
        int groups = cols / groupSize;
        for (int g = 0; g < groups; g++) {
            float dot = int8(q, qOff + g * groupSize, x, xOff + g * groupSize, groupSize);
            if (zeros != null) {
                dot -= zeros[sOff + g] * xSums[sumsOff + g];
            }
            acc += scales[sOff + g] * dot;
        }
        return acc;
    }

    @Override
    public float nibbleRow(
            byte[] packed,
            int pOff,
            float[] scales,
            int sOff,
            byte[] zeros,
            float[] xSums,
            int sumsOff,
            float[] x,
            int xOff,
            int cols,
            int groupSize) {
        float acc = 0;
        int groups = cols / groupSize;
        for (int g = 0; g < groups; g++) {
            float dot = nibbles(packed, pOff + g * (groupSize / 2), x, xOff + g * groupSize, groupSize, 0);
            dot -= (zeros == null ? 8 : zeros[sOff + g]) * xSums[sumsOff + g];
            acc += scales[sOff + g] * dot;
        }
        return acc;
    }

    @Override
    public void weightedSum(
            float[] weights, int count, float[] rows, int rowOff, int rowStride, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = 0;
        }
        for (int s = 0; s < count; s++) {
            float a = weights[s];
            int base = rowOff + s * rowStride;
            for (int i = 0; i < n; i++) {
                out[outOff + i] += a * rows[base + i];
            }
        }
    }

    @Override
    public float sum(float[] x, int off, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += x[off + i];
        }
        return s;
    }

    @Override
    public String name() {
        return "scalar";
    }
}
