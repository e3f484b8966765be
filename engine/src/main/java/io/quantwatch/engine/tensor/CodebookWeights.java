package io.quantwatch.engine.tensor;

/**
 * Weights stored as indexes into a small codebook with one scale per group: NF4 (16 codes, two
 * per byte, same nibble layout as {@link Int4Weights}) and FP8 E4M3 (256 codes, one per byte).
 * Each group is decoded into a scratch row and then reduced by the float kernel.
 */
public final class CodebookWeights extends ShapedWeights {
    private final byte[] codes;
    private final float[] codebook;
    private final float[] scales;
    private final int groupSize;
    private final boolean nibblePacked;
    private final String format;

    public CodebookWeights(
            byte[] codes,
            float[] codebook,
            float[] scales,
            int rows,
            int cols,
            int groupSize,
            boolean nibblePacked,
            String format,
            DotKernels kernels) {
        super(rows, cols, kernels);
        long expectedCodes = nibblePacked ? (long) rows * cols / 2 : (long) rows * cols;
        if (cols % groupSize != 0
                || codes.length != expectedCodes
                || scales.length != (long) rows * cols / groupSize
                || codebook.length != (nibblePacked ? 16 : 256)) {
            throw new IllegalArgumentException(
                    "inconsistent " + format + " matrix " + rows + "x" + cols + " group " + groupSize);
        }
        this.codes = codes;
        this.codebook = codebook;
        this.scales = scales;
        this.groupSize = groupSize;
        this.nibblePacked = nibblePacked;
        this.format = format;
    }

    private int codeAt(int i) {
        return nibblePacked ? Int4Weights.nibbleAt(codes, i, groupSize) : codes[i] & 0xFF;
    }

    @Override
    public void matvec(float[] x, float[] out, int from, int to) {
        matmul(x, 1, out, from, to);
    }

    /** Decodes each group into a scratch row once, then reduces it against every token's input. */
    @Override
    public void matmul(float[] x, int tokens, float[] out, int from, int to) {
        float[] scratch = new float[groupSize];
        int groups = cols / groupSize;
        for (int r = from; r < to; r++) {
            for (int t = 0; t < tokens; t++) {
                out[t * rows + r] = 0;
            }
            for (int g = 0; g < groups; g++) {
                int group = r * groups + g;
                decodeGroup(group, scratch);
                float scale = scales[group];
                for (int t = 0; t < tokens; t++) {
                    out[t * rows + r] += scale * kernels.f32(scratch, 0, x, t * cols + g * groupSize, groupSize);
                }
            }
        }
    }

    private void decodeGroup(int group, float[] scratch) {
        if (nibblePacked) {
            int half = groupSize / 2;
            int byteBase = group * half;
            for (int j = 0; j < half; j++) {
                int b = codes[byteBase + j];
                scratch[j] = codebook[b & 0x0F];
                scratch[half + j] = codebook[(b >>> 4) & 0x0F];
            }
        } else {
            int base = group * groupSize;
            for (int j = 0; j < groupSize; j++) {
                scratch[j] = codebook[codes[base + j] & 0xFF];
            }
        }
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        int base = row * cols;
        for (int i = 0; i < cols; i++) {
            dst[dstOff + i] = scales[(base + i) / groupSize] * codebook[codeAt(base + i)];
        }
    }

    @Override
    public long storageBytes() {
        return codes.length + 4L * scales.length + 4L * codebook.length;
    }

    @Override
    public String format() {
        return format;
    }
}
