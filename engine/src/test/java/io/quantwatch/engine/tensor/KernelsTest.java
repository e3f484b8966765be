package io.quantwatch.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Vector API kernels agree with the scalar ones on every format and on awkward lengths. */
class KernelsTest {
    final DotKernels vector = DotKernels.preferred();
    final DotKernels scalar = DotKernels.scalar();
    final Random rnd = new Random(3);

    @Test
    void vectorKernelsAreActiveInTests() {
        assertThat(vector.name()).startsWith("vector");
    }

    private float[] gaussian(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    @Test
    void floatFormatsAgree() {
        for (int n : new int[] {1, 7, 8, 31, 64, 100, 257, 1024}) {
            float[] w = gaussian(n + 3);
            float[] x = gaussian(n + 5);
            short[] h = new short[w.length];
            short[] b = new short[w.length];
            for (int i = 0; i < w.length; i++) {
                h[i] = HalfFloat.fromFloat(w[i]);
                b[i] = (short) (Float.floatToRawIntBits(w[i]) >>> 16);
            }
            float tol = 1e-4f * n;
            assertThat(vector.f32(w, 3, x, 5, n)).isCloseTo(scalar.f32(w, 3, x, 5, n), within(tol));
            assertThat(vector.f16(h, 3, x, 5, n)).isCloseTo(scalar.f16(h, 3, x, 5, n), within(tol));
            assertThat(vector.f16(h, 3, x, 5, n))
                    .isCloseTo(scalar.f32(w, 3, x, 5, n), within(0.01f * n)); // halves are close to w
            assertThat(vector.bf16(b, 3, x, 5, n)).isCloseTo(scalar.bf16(b, 3, x, 5, n), within(tol));
            assertThat(vector.sum(x, 5, n)).isCloseTo(scalar.sum(x, 5, n), within(tol));
        }
    }

    @Test
    void integerFormatsAgree() {
        for (int n : new int[] {16, 32, 48, 128, 256}) {
            byte[] q = new byte[n + 2];
            rnd.nextBytes(q);
            float[] x = gaussian(n + 1);
            float tol = 1e-2f * n;
            assertThat(vector.int8(q, 2, x, 1, n)).isCloseTo(scalar.int8(q, 2, x, 1, n), within(tol));
            byte[] packed = new byte[n / 2 + 4];
            rnd.nextBytes(packed);
            for (int bias : new int[] {0, 8}) {
                assertThat(vector.nibbles(packed, 4, x, 1, n, bias))
                        .isCloseTo(scalar.nibbles(packed, 4, x, 1, n, bias), within(tol));
            }
        }
    }

    @Test
    void groupedRowKernelsAgree() {
        for (int group : new int[] {16, 32, 128}) {
            int cols = 256;
            int groups = cols / group;
            float[] x = gaussian(cols);
            float[] scales = gaussian(groups + 2);
            float[] xSums = new float[groups];
            for (int g = 0; g < groups; g++) {
                xSums[g] = scalar.sum(x, g * group, group);
            }
            byte[] zeros = new byte[groups + 2];
            rnd.nextBytes(zeros);
            byte[] q = new byte[cols + 5];
            rnd.nextBytes(q);
            byte[] packed = new byte[cols / 2 + 5];
            rnd.nextBytes(packed);
            float tol = 1e-3f * cols;
            for (byte[] z : new byte[][] {null, zeros}) {
                assertThat(vector.int8Row(q, 5, scales, 2, z, xSums, 0, x, 0, cols, group))
                        .isCloseTo(scalar.int8Row(q, 5, scales, 2, z, xSums, 0, x, 0, cols, group), within(tol));
                assertThat(vector.nibbleRow(packed, 5, scales, 2, z, xSums, 0, x, 0, cols, group))
                        .isCloseTo(scalar.nibbleRow(packed, 5, scales, 2, z, xSums, 0, x, 0, cols, group), within(tol));
            }
        }
    }

    @Test
    void weightedSumsOfRowsAgree() {
        for (int n : new int[] {7, 16, 64, 100, 128}) {
            for (int count : new int[] {1, 3, 50}) {
                int stride = n + 9;
                float[] rows = gaussian(5 + count * stride);
                float[] weights = gaussian(count);
                float[] v = new float[n + 4];
                float[] s = new float[n + 4];
                vector.weightedSum(weights, count, rows, 5, stride, v, 4, n);
                scalar.weightedSum(weights, count, rows, 5, stride, s, 4, n);
                for (int i = 0; i < n + 4; i++) {
                    assertThat(v[i]).as("n=%d count=%d i=%d", n, count, i).isCloseTo(s[i], within(1e-4f * count));
                }
                assertThat(v[0]).as("nothing written before outOff").isZero();
            }
        }
    }

    @Test
    void vectorHalfDecodingIsExactForEveryFiniteHalf() {
        float[] oneHot = new float[16];
        oneHot[0] = 1f;
        short[] w = new short[16];
        for (int h = 0; h < 65536; h++) {
            float expected = HalfFloat.toFloat((short) h);
            if (!Float.isFinite(expected)) {
                continue;
            }
            Arrays.fill(w, (short) h);
            assertThat(vector.f16(w, 0, oneHot, 0, 16)).as("half 0x%04X", h).isEqualTo(expected + 0f);
        }
    }

    @Test
    void halfFloatDecodingIsExactForEveryFiniteHalf() {
        for (int h = 0; h < 65536; h++) {
            float f = HalfFloat.toFloat((short) h);
            if (Float.isNaN(f)) {
                continue;
            }
            assertThat(HalfFloat.fromFloat(f)).as("half 0x%04X", h).isEqualTo((short) h);
        }
        assertThat(HalfFloat.toFloat((short) 0x3C00)).isEqualTo(1f);
        assertThat(HalfFloat.toFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(HalfFloat.toFloat((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(HalfFloat.fromFloat(1 + 0x1p-11f)).isEqualTo((short) 0x3C00); // tie -> even
        assertThat(HalfFloat.fromFloat(1 + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3C01);
        assertThat(HalfFloat.fromFloat(1e6f)).isEqualTo((short) 0x7C00);
    }

    @Test
    void rowParallelismGivesTheSameProductAsOneThread() {
        float[] w = gaussian(512 * 256);
        float[] x = gaussian(256);
        F32Weights m = new F32Weights(w, 512, 256, vector);
        float[] one = new float[512];
        float[] two = new float[512];
        m.matvec(x, one, 0, 512);
        try (RowParallelism p = new RowParallelism(2)) {
            for (int i = 0; i < 50; i++) {
                Arrays.fill(two, 0);
                p.matvec(m, x, two);
                assertThat(two).containsExactly(one);
            }
        }
    }
}
