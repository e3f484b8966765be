package io.quantwatch.engine.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** NNCF's numerics on rows a reviewer can check by hand, and bounded error on random rows. */
class WeightQuantizerTest {

    @Test
    void int4SymMapsTheDominantExtremeToMinus8() {
        // max 2.0 dominates |min| 1.0: signed scale = -2/8 = -0.25, so 2.0 -> -8 and -1.0 -> 4.
        float[] row = {2.0f, -1.0f, 0.5f, 0.0f, 0.13f, -0.4f, 1.0f, 0.25f};
        float[] dq = plusZero(WeightQuantizer.quantizeDequantize(row, 1, 8, QuantMode.INT4_SYM, -1));
        assertThat(dq).containsExactly(2.0f, -1.0f, 0.5f, 0.0f, 0.25f, -0.5f, 1.0f, 0.25f);
        // 0.13 / -0.25 = -0.52 rounds to -1 -> 0.25; -0.4 / -0.25 = 1.6 -> 2 -> -0.5.
    }

    @Test
    void int4SymWithNegativeDominantExtremeClipsThePositiveSide() {
        // |min| 4.0 >= max 3.9: scale = 4/8 = 0.5; 3.9/0.5 = 7.8 -> round 8 -> clipped to 7 -> 3.5.
        float[] row = {-4.0f, 3.9f, 0.25f, -0.75f};
        float[] dq = plusZero(WeightQuantizer.quantizeDequantize(row, 1, 4, QuantMode.INT4_SYM, -1));
        assertThat(dq).containsExactly(-4.0f, 3.5f, 0.0f, -1.0f); // 0.5 -> 0 (half to even), -1.5 -> -2
    }

    @Test
    void int8SymUsesSignedScaleOver128() {
        float[] row = {1.28f, -0.64f, 0.01f, 0.0f};
        float[] dq = WeightQuantizer.quantizeDequantize(row, 1, 4, QuantMode.INT8_SYM, -1);
        // scale = -1.28/128 = -0.01: values are exact multiples of the scale.
        assertThat(dq[0]).isCloseTo(1.28f, within(1e-6f));
        assertThat(dq[1]).isCloseTo(-0.64f, within(1e-6f));
        assertThat(dq[2]).isCloseTo(0.01f, within(1e-6f));
    }

    @Test
    void asymmetricUsesMinMaxAndAZeroPoint() {
        // min 0 .. max 15: scale 1, zero point 0 for 4 bits: every integer 0..15 is exact.
        float[] row = new float[16];
        for (int i = 0; i < 16; i++) {
            row[i] = i;
        }
        assertThat(WeightQuantizer.quantizeDequantize(row, 1, 16, QuantMode.INT4_ASYM, -1))
                .containsExactly(row);
        // -1 .. 2 with 4 bits: scale 3/15 = 0.2, zero point round(5) = 5; 0 stays exactly 0.
        float[] shifted = {-1f, 2f, 0f, 0.5f};
        float[] dq = WeightQuantizer.quantizeDequantize(shifted, 1, 4, QuantMode.INT4_ASYM, -1);
        assertThat(dq[0]).isCloseTo(-1f, within(1e-6f));
        assertThat(dq[1]).isCloseTo(2f, within(1e-6f));
        assertThat(dq[2]).isZero();
        assertThat(dq[3]).isCloseTo(0.6f, within(1e-6f)); // 0.5/0.2 + 5 = 7.5 -> 8 (half to even) -> (8-5)*0.2
    }

    @ParameterizedTest
    @EnumSource(QuantMode.class)
    void reconstructionErrorIsBoundedByTheFormatsStep(QuantMode mode) {
        Random rnd = new Random(5);
        int rows = 16;
        int cols = 256;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian() * 0.05f;
        }
        int group = mode.bits() == 4 ? 128 : -1;
        float[] dq = WeightQuantizer.quantizeDequantize(w, rows, cols, mode, group);
        int g = group == -1 ? cols : group;
        for (int start = 0; start < w.length; start += g) {
            float absMax = 0;
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int i = start; i < start + g; i++) {
                absMax = Math.max(absMax, Math.abs(w[i]));
                min = Math.min(min, w[i]);
                max = Math.max(max, w[i]);
            }
            float bound = switch (mode) {
                // Half a step, except the side opposite the dominant extreme, which clips at 2^(b-1)-1: a whole step.
                case INT8_SYM -> absMax / 128;
                case INT4_SYM -> absMax / 8;
                case INT8_ASYM -> (max - min) / 255 * 0.5f;
                case INT4_ASYM -> (max - min) / 15 * 0.5f;
                case NF4 -> absMax * (1.0f - 0.6961928f) / 2; // half the widest gap between NF4 codes
                case FP8_E4M3 -> absMax * 0.0625f; // 3 mantissa bits: relative step 2^-3 near the top, halved
            };
            for (int i = start; i < start + g; i++) {
                assertThat(Math.abs(dq[i] - w[i]))
                        .as("%s element %d", mode, i)
                        .isLessThanOrEqualTo(bound * 1.0001f + 1e-7f);
            }
        }
    }

    /** -0.0 + 0.0 = 0.0: a negative scale times zero is -0.0, equal in value. */
    private static float[] plusZero(float[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] += 0.0f;
        }
        return a;
    }

    @Test
    void groupSizeThatDoesNotDivideTheRowIsRefusedWithTheFix() {
        Assertions.assertThatThrownBy(
                        () -> WeightQuantizer.quantizeDequantize(new float[96], 1, 96, QuantMode.INT4_SYM, 64))
                .hasMessageContaining("group size 64 does not divide the row length 96")
                .hasMessageContaining("group=-1");
    }
}
