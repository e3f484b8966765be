package io.quantwatch.engine.tensor;

/** Full-precision weights. */
public final class F32Weights extends ShapedWeights {
    private final float[] w;

    public F32Weights(float[] w, int rows, int cols, DotKernels kernels) {
        super(rows, cols, kernels);
        if ((long) rows * cols != w.length) {
            throw new IllegalArgumentException(
                    "F32 matrix " + rows + "x" + cols + " needs " + (long) rows * cols + " values, got " + w.length);
        }
        this.w = w;
    }

    @Override
    public void matvec(float[] x, float[] out, int from, int to) {
        for (int r = from; r < to; r++) {
            out[r] = kernels.f32(w, r * cols, x, 0, cols);
        }
    }

    @Override
    public void matmul(float[] x, int tokens, float[] out, int from, int to) {
        for (int r = from; r < to; r++) {
            int wOff = r * cols;
            int t = 0;
            for (; t + DotKernels.TILE <= tokens; t += DotKernels.TILE) {
                kernels.f32Tile(w, wOff, x, t * cols, cols, cols, out, t * rows + r, rows);
            }
            for (; t < tokens; t++) {
                out[t * rows + r] = kernels.f32(w, wOff, x, t * cols, cols);
            }
        }
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        System.arraycopy(w, row * cols, dst, dstOff, cols);
    }

    @Override
    public long storageBytes() {
        return 4L * w.length;
    }

    @Override
    public String format() {
        return "F32";
    }
}
