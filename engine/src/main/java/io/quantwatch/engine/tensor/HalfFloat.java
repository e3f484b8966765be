package io.quantwatch.engine.tensor;

/**
 * IEEE 754 binary16 conversions (Java 17 has no Float.float16ToFloat). Decoding uses the exact
 * "shift into place, multiply by 2^112" identity that the vector kernel also uses, so scalar and
 * vector paths give identical values for every finite half.
 */
public final class HalfFloat {
    /** 2^112: rebias a half exponent (bias 15) to a float exponent (bias 127); exact for subnormals too. */
    static final float REBIAS = 0x1p112f;

    private HalfFloat() {}

    public static float toFloat(short h) {
        int bits = h & 0xFFFF;
        int exp = bits & 0x7C00;
        if (exp == 0x7C00) { // inf or NaN
            int sign = (bits & 0x8000) << 16;
            return Float.intBitsToFloat(sign | 0x7F800000 | ((bits & 0x3FF) << 13));
        }
        float magnitude = Float.intBitsToFloat((bits & 0x7FFF) << 13) * REBIAS;
        return (bits & 0x8000) != 0 ? -magnitude : magnitude;
    }

    /** Round-to-nearest-even conversion, as numpy's astype(float16) and ggml's FP32_TO_FP16 do. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) { // inf / NaN
            return (short) (sign | 0x7C00 | (abs > 0x7F800000 ? 0x200 : 0));
        }
        if (abs >= 0x477FF000) { // rounds to >= 65520: overflow to infinity
            return (short) (sign | 0x7C00);
        }
        if (abs < 0x38800000) { // below the smallest normal half: subnormal or zero
            if (abs < 0x33000000) { // below half of the smallest subnormal (2^-25): zero
                return (short) sign;
            }
            int mant = (abs & 0x7FFFFF) | 0x800000;
            int shift = 126 - (abs >>> 23); // 14 - (e - 127) + 13 - 1 ... gives shift in [14, 24]
            int halfMant = mant >>> (shift);
            int rem = mant & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rem > halfway || (rem == halfway && (halfMant & 1) != 0)) {
                halfMant++;
            }
            return (short) (sign | halfMant);
        }
        int rebased = abs - (112 << 23); // exponent bias 127 -> 15
        int halfBits = rebased >>> 13;
        int rem = rebased & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (halfBits & 1) != 0)) {
            halfBits++;
        }
        return (short) (sign | halfBits);
    }

    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }
}
