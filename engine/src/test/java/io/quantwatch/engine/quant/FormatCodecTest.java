package io.quantwatch.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** NF4 and FP8 E4M3 encode/decode over every code, with their rounding rules at the boundaries. */
class FormatCodecTest {

    @Test
    void everyNf4CodeEncodesToItself() {
        float[] codes = Nf4.codebook();
        for (int i = 0; i < 16; i++) {
            assertThat(Nf4.encode(codes[i])).as("NF4 code %d (%s)", i, codes[i]).isEqualTo(i);
        }
    }

    @Test
    void nf4MidpointsGoToTheLowerCodeAndNeighboursToTheNearest() {
        float[] codes = Nf4.codebook();
        for (int i = 0; i < 15; i++) {
            float mid = (codes[i] + codes[i + 1]) / 2f;
            assertThat(Nf4.encode(mid)).as("midpoint %d", i).isEqualTo(i); // numpy searchsorted side='left'
            assertThat(Nf4.encode(Math.nextUp(mid))).isEqualTo(i + 1);
        }
        assertThat(Nf4.encode(-5f)).isZero();
        assertThat(Nf4.encode(5f)).isEqualTo(15);
    }

    @Test
    void everyFp8CodeDecodesAndEncodesBackExceptNan() {
        for (int code = 0; code < 256; code++) {
            float v = Fp8E4M3.decode(code);
            if ((code & 0x7F) == 0x7F) {
                assertThat(v).isNaN();
                continue;
            }
            assertThat(Fp8E4M3.encode(v)).as("code 0x%02X = %s", code, v).isEqualTo(code);
        }
    }

    @Test
    void fp8KnownValues() {
        assertThat(Fp8E4M3.decode(0x7E)).isEqualTo(448f);
        assertThat(Fp8E4M3.decode(0x01)).isEqualTo(0x1p-9f); // smallest subnormal
        assertThat(Fp8E4M3.decode(0x08)).isEqualTo(0x1p-6f); // smallest normal
        assertThat(Fp8E4M3.decode(0x38)).isEqualTo(1f);
        assertThat(Fp8E4M3.decode(0xB8)).isEqualTo(-1f);
    }

    @Test
    void fp8RoundsHalfwayToEvenAndSaturatesOnlyUpTo464() {
        // 1.0625 lies halfway between 1.0 (0x38, even) and 1.125 (0x39): ties go to even.
        assertThat(Fp8E4M3.encode(1.0625f)).isEqualTo(0x38);
        // 1.1875 lies halfway between 1.125 (0x39) and 1.25 (0x3A, even).
        assertThat(Fp8E4M3.encode(1.1875f)).isEqualTo(0x3A);
        assertThat(Fp8E4M3.encode(460f)).isEqualTo(0x7E);
        assertThat(Fp8E4M3.encode(500f) & 0x7F).isEqualTo(0x7F); // NaN: E4M3 has no infinity
        assertThat(Fp8E4M3.encode(-0.0f)).isEqualTo(0x80);
    }

    @Test
    void fp8RoundsThroughBinary16First() {
        // OpenVINO converts f32 -> f16 -> e4m3. 1.0625 + 2^-13 is above the e4m3 midpoint in f32 but rounds
        // to exactly 1.0625 in f16 (spacing 2^-10), so the double rounding lands on the even code 1.0.
        assertThat(Fp8E4M3.encode(1.0625f + 0x1p-13f)).isEqualTo(0x38);
    }
}
