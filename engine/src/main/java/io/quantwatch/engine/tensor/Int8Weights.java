package io.quantwatch.engine.tensor;

/**
 * 8-bit integer weights with one scale per group (a group may be the whole row: channel-wise).
 * Symmetric: w = s·q with q in [−128, 127]. Asymmetric: w = s·(u − z) with u, z in [0, 255],
 * stored shifted by −128 so one signed kernel serves both.
 */
public final class Int8Weights extends TiledWeights {
    private final byte[] q;
    private final float[] scales;
    private final byte[] zeroPoints; // null when symmetric; else z − 128 per group
    private final int groupSize;
    private final String format;

    public Int8Weights(
            byte[] q,
            float[] scales,
            byte[] zeroPoints,
            int rows,
            int cols,
            int groupSize,
            String format,
            DotKernels kernels) {
        super(rows, cols, kernels);
        if (cols % groupSize != 0
                || (long) rows * cols != q.length
                || scales.length != q.length / groupSize
                || (zeroPoints != null && zeroPoints.length != scales.length)) {
            throw new IllegalArgumentException("inconsistent INT8 matrix " + rows + "x" + cols + " group " + groupSize);
        }
        this.q = q;
        this.scales = scales;
        this.zeroPoints = zeroPoints;
        this.groupSize = groupSize;
        this.format = format;
    }

    @Override
    protected float[] inputSums(float[] x, int tokens) {
        return zeroPoints == null ? null : groupSums(x, tokens, groupSize);
    }

    @Override
    protected float row(int r, float[] x, int t, float[] sums) {
        int groups = cols / groupSize;
        return kernels.int8Row(
                q, r * cols, scales, r * groups, zeroPoints, sums, t * groups, x, t * cols, cols, groupSize);
    }

    @Override
    protected void tile(int r, float[] x, int t, float[] sums, float[] out) {
        int groups = cols / groupSize;
        kernels.int8RowTile(
                q,
                r * cols,
                scales,
                r * groups,
                zeroPoints,
                sums,
                t * groups,
                groups,
                x,
                t * cols,
                cols,
                cols,
                groupSize,
                out,
                t * rows + r,
                rows);
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        int base = row * cols;
        for (int i = 0; i < cols; i++) {
            int g = (base + i) / groupSize;
            int zero = zeroPoints == null ? 0 : zeroPoints[g];
            dst[dstOff + i] = scales[g] * (q[base + i] - zero);
        }
    }

    @Override
    public long storageBytes() {
        return q.length + 4L * scales.length + (zeroPoints == null ? 0 : zeroPoints.length);
    }

    @Override
    public String format() {
        return format;
    }
}
