package io.quantwatch.engine.tensor;

/**
 * A [rows × cols] weight matrix in some storage format; rows are output channels. Implementations
 * are immutable and dequantize on the fly inside their kernels.
 */
public interface WeightMatrix {
    int rows();

    int cols();

    /** out[r] = row(r) · x for r in [from, to). */
    void matvec(float[] x, float[] out, int from, int to);

    /**
     * The batched product of prefill and teacher forcing: out[t·rows + r] = row(r) · x[t·cols, (t+1)·cols) for tokens t
     * in [0, tokens) and rows r in [from, to). Each value is bit-for-bit what {@link #matvec} gives for that token
     * alone, so a batched pass and a token-by-token one compute the same logits.
     */
    void matmul(float[] x, int tokens, float[] out, int from, int to);

    /** Writes row r as floats into dst at dstOff (used for embedding lookup and for tests). */
    void dequantizeRow(int row, float[] dst, int dstOff);

    /** Bytes this matrix keeps resident, scales and zero points included. */
    long storageBytes();

    /** Human-readable format, e.g. "F16" or "INT4_SYM g128". */
    String format();

    /** The whole matrix as floats, row-major: for tests and re-quantization, not the hot path. */
    default float[] toFloats() {
        float[] all = new float[Math.multiplyExact(rows(), cols())];
        for (int r = 0; r < rows(); r++) {
            dequantizeRow(r, all, r * cols());
        }
        return all;
    }
}
