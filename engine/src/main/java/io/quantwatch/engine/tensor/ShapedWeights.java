package io.quantwatch.engine.tensor;

/** What every weight format shares: its shape and the kernels it computes with. */
abstract class ShapedWeights implements WeightMatrix {
    protected final int rows;
    protected final int cols;
    protected final DotKernels kernels;

    ShapedWeights(int rows, int cols, DotKernels kernels) {
        this.rows = rows;
        this.cols = cols;
        this.kernels = kernels;
    }

    /**
     * Σx per group of {@code groupSize} for each of {@code tokens} inputs laid out one after another (token t's sums
     * start at t·(cols/group)): the zero-point term of grouped integer formats, computed once per product.
     */
    protected final float[] groupSums(float[] x, int tokens, int groupSize) {
        int groups = cols / groupSize;
        float[] sums = new float[tokens * groups];
        for (int t = 0; t < tokens; t++) {
            for (int g = 0; g < groups; g++) {
                sums[t * groups + g] = kernels.sum(x, t * cols + g * groupSize, groupSize);
            }
        }
        return sums;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }
}
