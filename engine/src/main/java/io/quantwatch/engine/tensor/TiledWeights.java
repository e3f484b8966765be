package io.quantwatch.engine.tensor;

/**
 * A format whose rows reduce through one row kernel and one tile kernel ({@link DotKernels}): the products of every
 * such format, one input or a block of them, are driven here. A block is walked in chunks of rows (about
 * {@link #ROW_CHUNK_BYTES} of weights, which stay in L2) times tiles of {@link DotKernels#TILE} inputs (small enough
 * for L1), two rows at a time, so neither the weights nor the inputs are fetched from further away once per token.
 */
abstract class TiledWeights extends ShapedWeights {
    static final long ROW_CHUNK_BYTES = 128 * 1024;

    TiledWeights(int rows, int cols, DotKernels kernels) {
        super(rows, cols, kernels);
    }

    /** Per-input sums the row kernels need (Σx per group of asymmetric formats), or null. */
    protected float[] inputSums(float[] x, int tokens) {
        return null;
    }

    /** Row r · input t (at t × cols in x). */
    protected abstract float row(int r, float[] x, int t, float[] sums);

    /** Row r · inputs t … t + TILE − 1, written to out at (t + i) × rows + r; each bit-for-bit {@link #row}. */
    protected abstract void tile(int r, float[] x, int t, float[] sums, float[] out);

    /** Rows r and r + 1 · inputs t … t + TILE − 1, as two {@link #tile} calls; formats with a pair kernel share loads. */
    protected void tilePair(int r, float[] x, int t, float[] sums, float[] out) {
        tile(r, x, t, sums, out);
        tile(r + 1, x, t, sums, out);
    }

    @Override
    public final void matvec(float[] x, float[] out, int from, int to) {
        float[] sums = inputSums(x, 1);
        for (int r = from; r < to; r++) {
            out[r] = row(r, x, 0, sums);
        }
    }

    @Override
    public final void matmul(float[] x, int tokens, float[] out, int from, int to) {
        float[] sums = inputSums(x, tokens);
        int chunk = (int) Math.max(1, ROW_CHUNK_BYTES * rows / Math.max(1, storageBytes()));
        for (int r0 = from; r0 < to; r0 += chunk) {
            int r1 = Math.min(to, r0 + chunk);
            int t = 0;
            for (; t + DotKernels.TILE <= tokens; t += DotKernels.TILE) {
                int r = r0;
                for (; r + 1 < r1; r += 2) {
                    tilePair(r, x, t, sums, out);
                }
                if (r < r1) {
                    tile(r, x, t, sums, out);
                }
            }
            for (; t < tokens; t++) {
                for (int r = r0; r < r1; r++) {
                    out[t * rows + r] = row(r, x, t, sums);
                }
            }
        }
    }
}
