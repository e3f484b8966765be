package io.quantwatch.engine.tensor;

/**
 * 4-bit integer weights, two per byte, one scale per group (llama.cpp Q4_0 nibble order within a
 * group). Symmetric: w = s·(n − 8), n in [0, 15]. Asymmetric: w = s·(n − z) with a per-group z.
 */
public final class Int4Weights extends TiledWeights {
    private final byte[] packed;
    private final float[] scales;
    private final byte[] zeroPoints; // null when symmetric
    private final int groupSize;
    private final String format;

    public Int4Weights(
            byte[] packed,
            float[] scales,
            byte[] zeroPoints,
            int rows,
            int cols,
            int groupSize,
            String format,
            DotKernels kernels) {
        super(rows, cols, kernels);
        if (groupSize % 2 != 0
                || cols % groupSize != 0
                || (long) rows * cols != 2L * packed.length
                || scales.length != (long) rows * cols / groupSize
                || (zeroPoints != null && zeroPoints.length != scales.length)) {
            throw new IllegalArgumentException("inconsistent INT4 matrix " + rows + "x" + cols + " group " + groupSize);
        }
        this.packed = packed;
        this.scales = scales;
        this.zeroPoints = zeroPoints;
        this.groupSize = groupSize;
        this.format = format;
    }

    /** Packs nibble values (0..15, row-major) into the group layout this class reads. */
    public static byte[] pack(int[] nibbles, int groupSize) {
        byte[] out = new byte[nibbles.length / 2];
        int half = groupSize / 2;
        for (int g = 0; g < nibbles.length / groupSize; g++) {
            int base = g * groupSize;
            for (int j = 0; j < half; j++) {
                out[base / 2 + j] = (byte) (nibbles[base + j] | (nibbles[base + half + j] << 4));
            }
        }
        return out;
    }

    /** The nibble (0..15) of element i, row-major. */
    public static int nibbleAt(byte[] packed, int i, int groupSize) {
        int g = i / groupSize;
        int j = i % groupSize;
        int half = groupSize / 2;
        int b = packed[g * half + (j % half)];
        return j < half ? b & 0x0F : (b >>> 4) & 0x0F;
    }

    /** Σx per group, once per product: the zero point (8 when symmetric) becomes one subtraction per group. */
    @Override
    protected float[] inputSums(float[] x, int tokens) {
        return groupSums(x, tokens, groupSize);
    }

    @Override
    protected float row(int r, float[] x, int t, float[] sums) {
        int groups = cols / groupSize;
        return kernels.nibbleRow(
                packed, r * cols / 2, scales, r * groups, zeroPoints, sums, t * groups, x, t * cols, cols, groupSize);
    }

    @Override
    protected void tile(int r, float[] x, int t, float[] sums, float[] out) {
        int groups = cols / groupSize;
        kernels.nibbleRowTile(
                packed,
                r * cols / 2,
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
            int zero = zeroPoints == null ? 8 : zeroPoints[g];
            dst[dstOff + i] = scales[g] * (nibbleAt(packed, base + i, groupSize) - zero);
        }
    }

    @Override
    public long storageBytes() {
        return packed.length + 4L * scales.length + (zeroPoints == null ? 0 : zeroPoints.length);
    }

    @Override
    public String format() {
        return format;
    }
}
