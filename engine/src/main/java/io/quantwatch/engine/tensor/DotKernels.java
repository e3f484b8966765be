package io.quantwatch.engine.tensor;

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
     * One row of a grouped 8-bit matrix: Σ_g scale_g · (Σ_i q_i·x_i − zero_g·xSum_g). {@code zeros} may be null
     * (symmetric); {@code xSums} holds Σ x per group and may be null when {@code zeros} is.
     */
    float int8Row(
            byte[] q,
            int qOff,
            float[] scales,
            int sOff,
            byte[] zeros,
            float[] xSums,
            float[] x,
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
            float[] x,
            int cols,
            int groupSize);

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
