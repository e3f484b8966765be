package io.quantwatch.engine.tensor;

/** Binary16 (or bfloat16) weights, widened to float inside the kernel. */
public final class F16Weights extends TiledWeights {
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
    protected float row(int r, float[] x, int t, float[] sums) {
        return bfloat ? kernels.bf16(w, r * cols, x, t * cols, cols) : kernels.f16(w, r * cols, x, t * cols, cols);
    }

    @Override
    protected void tile(int r, float[] x, int t, float[] sums, float[] out) {
        if (bfloat) {
            kernels.bf16Tile(w, r * cols, x, t * cols, cols, cols, out, t * rows + r, rows);
        } else {
            kernels.f16Tile(w, r * cols, x, t * cols, cols, cols, out, t * rows + r, rows);
        }
    }

    @Override
    protected void tilePair(int r, float[] x, int t, float[] sums, float[] out) {
        if (bfloat) {
            super.tilePair(r, x, t, sums, out);
        } else {
            kernels.f16TilePair(w, r * cols, x, t * cols, cols, cols, out, t * rows + r, rows);
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
