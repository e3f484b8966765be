package io.quantwatch.engine.tensor;

import java.nio.ByteBuffer;

/**
 * The inner products every weight format reduces to. Two implementations: Vector API kernels and a
 * scalar fallback; {@link #preferred()} picks the vector one when {@code jdk.incubator.vector} is
 * present and {@code -Dquantwatch.kernels=scalar} is not set.
 */
public interface DotKernels {

    /** Σ w[wOff+i]·x[xOff+i] for i in [0, n). */
    float f32(float[] w, int wOff, float[] x, int xOff, int n);

    /** Same over binary16 weights. */
    float f16(short[] w, int wOff, float[] x, int xOff, int n);

    /**
     * {@link #f16} over little-endian binary16 weights in a buffer (a mapped file) from byte {@code wByteOff}: the
     * same accumulators, so bit-for-bit the array kernel's sum.
     */
    float f16(ByteBuffer w, int wByteOff, float[] x, int xOff, int n);

    /** Same over bfloat16 weights. */
    float bf16(short[] w, int wOff, float[] x, int xOff, int n);

    /** Σ q[qOff+i]·x[xOff+i] over signed 8-bit integers (the caller applies scale and zero point). */
    float int8(byte[] q, int qOff, float[] x, int xOff, int n);

    /**
     * Σ (nibble − bias)·x over one group of {@code groupSize} 4-bit values packed llama.cpp-style:
     * byte j holds value j in its low nibble and value j + groupSize/2 in its high nibble.
     */
    float nibbles(byte[] packed, int byteOff, float[] x, int xOff, int groupSize, int bias);

    /**
     * One row of a grouped 8-bit matrix: Σ_g scale_g · (Σ_i q_i·x_i − zero_g·xSum_g), x read from {@code xOff}.
     * {@code zeros} may be null (symmetric); {@code xSums} holds Σ x per group from {@code sumsOff} and may be null
     * when {@code zeros} is.
     */
    float int8Row(
            byte[] q,
            int qOff,
            float[] scales,
            int sOff,
            byte[] zeros,
            float[] xSums,
            int sumsOff,
            float[] x,
            int xOff,
            int cols,
            int groupSize);

    /**
     * One row of a grouped 4-bit matrix in the {@link #nibbles} layout: Σ_g scale_g · (Σ_i n_i·x_i − zero_g·xSum_g),
     * where zero_g is 8 when {@code zeros} is null (symmetric).
     */
    float nibbleRow(
            byte[] packed,
            int pOff,
            float[] scales,
            int sOff,
            byte[] zeros,
            float[] xSums,
            int sumsOff,
            float[] x,
            int xOff,
            int cols,
            int groupSize);

    /*
     * Tile kernels: one weight row against TILE inputs at once (input t at xOff + t·xStride, its result at
     * outOff + t·outStride), so the row is loaded and widened once for four tokens. Each result is bit-for-bit the
     * single-input kernel's (same accumulators, same reduction order): batched prefill and token-by-token decode give
     * identical logits, which exact speculative verification relies on. The defaults simply loop.
     */

    /** Inputs one tile kernel call takes. */
    int TILE = 4;

    default void f32Tile(
            float[] w, int wOff, float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        for (int t = 0; t < TILE; t++) {
            out[outOff + t * outStride] = f32(w, wOff, x, xOff + t * xStride, n);
        }
    }

    default void f16Tile(
            short[] w, int wOff, float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        for (int t = 0; t < TILE; t++) {
            out[outOff + t * outStride] = f16(w, wOff, x, xOff + t * xStride, n);
        }
    }

    default void f16Tile(
            ByteBuffer w,
            int wByteOff,
            float[] x,
            int xOff,
            int xStride,
            int n,
            float[] out,
            int outOff,
            int outStride) {
        for (int t = 0; t < TILE; t++) {
            out[outOff + t * outStride] = f16(w, wByteOff, x, xOff + t * xStride, n);
        }
    }

    /*
     * Pair tiles: two consecutive weight rows (the second n values after the first) against TILE inputs; row r's
     * result for input t at outOff + t·outStride and row r + 1's right after it. Each input load then feeds both rows
     * (prefill runs about a third faster than one row at a time); each result is still bit-for-bit the row kernel's.
     */

    default void f32TilePair(
            float[] w, int wOff, float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        f32Tile(w, wOff, x, xOff, xStride, n, out, outOff, outStride);
        f32Tile(w, wOff + n, x, xOff, xStride, n, out, outOff + 1, outStride);
    }

    default void f16TilePair(
            short[] w, int wOff, float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        f16Tile(w, wOff, x, xOff, xStride, n, out, outOff, outStride);
        f16Tile(w, wOff + n, x, xOff, xStride, n, out, outOff + 1, outStride);
    }

    default void f16TilePair(
            ByteBuffer w,
            int wByteOff,
            float[] x,
            int xOff,
            int xStride,
            int n,
            float[] out,
            int outOff,
            int outStride) {
        f16Tile(w, wByteOff, x, xOff, xStride, n, out, outOff, outStride);
        f16Tile(w, wByteOff + 2 * n, x, xOff, xStride, n, out, outOff + 1, outStride);
    }

    default void bf16Tile(
            short[] w, int wOff, float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        for (int t = 0; t < TILE; t++) {
            out[outOff + t * outStride] = bf16(w, wOff, x, xOff + t * xStride, n);
        }
    }

    /** {@link #int8Row} for a tile; input t's group sums start at sumsOff + t·sumsStride. */
    default void int8RowTile(
            byte[] q,
            int qOff,
            float[] scales,
            int sOff,
            byte[] zeros,
            float[] xSums,
            int sumsOff,
            int sumsStride,
            float[] x,
            int xOff,
            int xStride,
            int cols,
            int groupSize,
            float[] out,
            int outOff,
            int outStride) {
        for (int t = 0; t < TILE; t++) {
            out[outOff + t * outStride] = int8Row(
                    q,
                    qOff,
                    scales,
                    sOff,
                    zeros,
                    xSums,
                    sumsOff + t * sumsStride,
                    x,
                    xOff + t * xStride,
                    cols,
                    groupSize);
        }
    }

    /** {@link #nibbleRow} for a tile; input t's group sums start at sumsOff + t·sumsStride. */
    default void nibbleRowTile(
            byte[] packed,
            int pOff,
            float[] scales,
            int sOff,
            byte[] zeros,
            float[] xSums,
            int sumsOff,
            int sumsStride,
            float[] x,
            int xOff,
            int xStride,
            int cols,
            int groupSize,
            float[] out,
            int outOff,
            int outStride) {
        for (int t = 0; t < TILE; t++) {
            out[outOff + t * outStride] = nibbleRow(
                    packed,
                    pOff,
                    scales,
                    sOff,
                    zeros,
                    xSums,
                    sumsOff + t * sumsStride,
                    x,
                    xOff + t * xStride,
                    cols,
                    groupSize);
        }
    }

    /**
     * out[outOff + i] = Σ_s weights[s] · rows[rowOff + s·rowStride + i] for s in [0, count), i in [0, n): attention's
     * weighted sum of value rows.
     */
    void weightedSum(
            float[] weights, int count, float[] rows, int rowOff, int rowStride, float[] out, int outOff, int n);

    /** Σ x[off+i] for i in [0, n): the zero-point term of asymmetric formats. */
    float sum(float[] x, int off, int n);

    String name();

    static DotKernels scalar() {
        return ScalarDotKernels.INSTANCE;
    }

    static DotKernels preferred() {
        if ("scalar".equalsIgnoreCase(System.getProperty("quantwatch.kernels", "vector"))) {
            return scalar();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return scalar();
        }
        return VectorDotKernels.INSTANCE;
    }
}
