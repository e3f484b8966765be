package io.quantwatch.engine.quant;

/** The 16 NF4 code values (QLoRA's normal-float quantiles, as NNCF lists them) and nearest-code lookup. */
public final class Nf4 {
    private static final float[] CODES = {
        -1.0f,
        -0.6961928009986877f,
        -0.5250730514526367f,
        -0.39491748809814453f,
        -0.28444138169288635f,
        -0.18477343022823334f,
        -0.09105003625154495f,
        0.0f,
        0.07958029955625534f,
        0.16093020141124725f,
        0.24611230194568634f,
        0.33791524171829224f,
        0.44070982933044434f,
        0.5626170039176941f,
        0.7229568362236023f,
        1.0f
    };
    private static final float[] CENTERS = new float[15];

    static {
        for (int i = 0; i < 15; i++) {
            CENTERS[i] = (CODES[i] + CODES[i + 1]) / 2f; // float32 midpoints, as numpy computes them
        }
    }

    private Nf4() {}

    public static float[] codebook() {
        return CODES.clone();
    }

    /**
     * Index of the code for a normalized weight: numpy.searchsorted(centers, v) with side='left',
     * i.e. a value exactly on a midpoint goes to the lower code.
     */
    public static int encode(float normalized) {
        int idx = 0;
        while (idx < 15 && CENTERS[idx] < normalized) {
            idx++;
        }
        return idx;
    }
}
