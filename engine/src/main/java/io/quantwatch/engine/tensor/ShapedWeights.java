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

    /** Σx per group of {@code groupSize}, once per product: the zero-point term of grouped integer formats. */
    protected final float[] groupSums(float[] x, int groupSize) {
        float[] sums = new float[cols / groupSize];
        for (int g = 0; g < sums.length; g++) {
            sums[g] = kernels.sum(x, g * groupSize, groupSize);
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
