package io.quantwatch.engine.tensor;

/** Full-precision weights. */
public final class F32Weights extends TiledWeights {
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
    protected float row(int r, float[] x, int t, float[] sums) {
        return kernels.f32(w, r * cols, x, t * cols, cols);
    }

    @Override
    protected void tile(int r, float[] x, int t, float[] sums, float[] out) {
        kernels.f32Tile(w, r * cols, x, t * cols, cols, cols, out, t * rows + r, rows);
    }

    @Override
    protected void tilePair(int r, float[] x, int t, float[] sums, float[] out) {
        kernels.f32TilePair(w, r * cols, x, t * cols, cols, cols, out, t * rows + r, rows);
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
