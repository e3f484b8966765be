package io.quantwatch.engine.model;

import io.quantwatch.engine.tensor.HalfFloat;

/**
 * GELU (tanh form) as ggml's CPU backend computes it for F32 activations: the input rounded to half precision looks
 * up a table of half-precision results, except below -10 (0) and from 10 on (x). A gemma2 answer is llama.cpp's only
 * if this rounding is the same.
 */
final class GeluTable {
    private static final float SQRT_2_OVER_PI = 0.79788456080286535587989211986876f;
    private static final float COEF_A = 0.044715f;

    /** One result per half-precision bit pattern: an immutable per-JVM constant of 256 KB, built on first use. */
    private static final float[] TABLE = build();

    private GeluTable() {}

    static float apply(float x) {
        if (x <= -10f) {
            return 0f;
        }
        if (x >= 10f) {
            return x;
        }
        return TABLE[HalfFloat.fromFloat(x) & 0xFFFF];
    }

    /** ggml_gelu_f32, in float arithmetic. */
    static float gelu(float x) {
        return 0.5f * x * (1.0f + (float) Math.tanh(SQRT_2_OVER_PI * x * (1.0f + COEF_A * x * x)));
    }

    private static float[] build() {
        float[] table = new float[1 << 16];
        for (int i = 0; i < table.length; i++) {
            table[i] = HalfFloat.toFloat(HalfFloat.fromFloat(gelu(HalfFloat.toFloat((short) i))));
        }
        return table;
    }
}
