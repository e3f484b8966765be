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

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }
}
