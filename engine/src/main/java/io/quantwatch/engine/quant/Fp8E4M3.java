package io.quantwatch.engine.quant;

import io.quantwatch.engine.tensor.HalfFloat;

/**
 * FP8 E4M3 (OCP "fn" variant: no infinities, max 448, code 0x7F/0xFF is NaN). Encoding follows
 * OpenVINO's float8_e4m3(float), which NNCF reproduces: round to binary16 first, then to the
 * nearest E4M3 value with ties to even; magnitudes above 448 become NaN.
 */
public final class Fp8E4M3 {
    public static final float MAX = 448f;
    private static final float[] DECODE = new float[256];

    static {
        for (int code = 0; code < 256; code++) {
            DECODE[code] = decodeBits(code);
        }
    }

    private Fp8E4M3() {}

    private static float decodeBits(int code) {
        int sign = (code >> 7) & 1;
        int exp = (code >> 3) & 0xF;
        int mant = code & 0x7;
        float mag;
        if (exp == 0xF && mant == 0x7) {
            mag = Float.NaN;
        } else if (exp == 0) {
            mag = mant * 0x1p-9f; // subnormal: mant/8 · 2^-6
        } else {
            mag = (1 + mant / 8f) * (float) Math.pow(2, exp - 7);
        }
        return sign == 1 ? -mag : mag;
    }

    /** The value of a code (NaN for 0x7F and 0xFF). */
    public static float decode(int code) {
        return DECODE[code & 0xFF];
    }

    /** A copy of the 256-entry decode table (for {@code CodebookWeights}). */
    public static float[] codebook() {
        return DECODE.clone();
    }

    /** The code nearest to f after its rounding to binary16; ties to the even code. */
    public static int encode(float f) {
        float h = HalfFloat.toFloat(HalfFloat.fromFloat(f));
        if (Float.isNaN(h)) {
            return 0x7F;
        }
        int sign = (Float.floatToRawIntBits(h) >>> 31) << 7;
        float a = Math.abs(h);
        if (a > MAX) {
            // Beyond 448 OpenVINO's converter yields NaN unless rounding brings it back to 448.
            return a <= 464f ? sign | 0x7E : sign | 0x7F; // 464 is the tie, which goes to the even 448
        }
        // Positive codes 0x00..0x7E are increasing in value: binary search the bracketing pair.
        int lo = 0;
        int hi = 0x7E;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (DECODE[mid] <= a) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        float dl = a - DECODE[lo];
        float dh = DECODE[hi] - a;
        int code;
        if (dl < dh) {
            code = lo;
        } else if (dh < dl) {
            code = hi;
        } else {
            code = (lo & 1) == 0 ? lo : hi;
        }
        return sign | code;
    }
}
