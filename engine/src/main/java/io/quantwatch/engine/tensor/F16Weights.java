package io.quantwatch.engine.tensor;

/** Binary16 (or bfloat16) weights, widened to float inside the kernel. */
public final class F16Weights extends ShapedWeights {
    private final short[] w;
    private final boolean bfloat;

    /** @param bfloat true when the shorts are bfloat16 rather than IEEE binary16 */
    public F16Weights(short[] w, int rows, int cols, boolean bfloat, DotKernels kernels) {
        super(rows, cols, kernels);
        if ((long) rows * cols != w.length) {
            throw new IllegalArgumentException(
                    "16-bit matrix " + rows + "x" + cols + " needs " + (long) rows * cols + " values, got " + w.length);
        }
        this.w = w;
        this.bfloat = bfloat;
    }

    @Override
    public void matvec(float[] x, float[] out, int from, int to) {
        if (bfloat) {
            for (int r = from; r < to; r++) {
                out[r] = kernels.bf16(w, r * cols, x, 0, cols);
            }
        } else {
            for (int r = from; r < to; r++) {
                out[r] = kernels.f16(w, r * cols, x, 0, cols);
            }
        }
    }

    @Override
    public void matmul(float[] x, int tokens, float[] out, int from, int to) {
        for (int r = from; r < to; r++) {
            int wOff = r * cols;
            int t = 0;
            for (; t + DotKernels.TILE <= tokens; t += DotKernels.TILE) {
                if (bfloat) {
                    kernels.bf16Tile(w, wOff, x, t * cols, cols, cols, out, t * rows + r, rows);
                } else {
                    kernels.f16Tile(w, wOff, x, t * cols, cols, cols, out, t * rows + r, rows);
                }
            }
            for (; t < tokens; t++) {
                out[t * rows + r] =
                        bfloat ? kernels.bf16(w, wOff, x, t * cols, cols) : kernels.f16(w, wOff, x, t * cols, cols);
            }
        }
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        int base = row * cols;
        for (int i = 0; i < cols; i++) {
            dst[dstOff + i] = bfloat ? HalfFloat.bf16ToFloat(w[base + i]) : HalfFloat.toFloat(w[base + i]);
        }
    }

    @Override
    public long storageBytes() {
        return 2L * w.length;
    }

    @Override
    public String format() {
        return bfloat ? "BF16" : "F16";
    }
}
