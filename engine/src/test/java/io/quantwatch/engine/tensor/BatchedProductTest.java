package io.quantwatch.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.engine.quant.QuantMode;
import io.quantwatch.engine.quant.WeightQuantizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A batched product gives, for every token of the batch, bit-for-bit the value of that token's own matrix-vector
 * product, in every weight format, with both kernel sets and through the row threads. Exact speculative decoding of
 * the candidates rests on this.
 */
class BatchedProductTest {
    private final Random rnd = new Random(11);

    private float[] gaussian(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    /** Every format at a row length of 256 (groups 32 and 128, channel-wise) and at an odd length of 72. */
    private List<WeightMatrix> everyFormat(DotKernels kernels) {
        List<WeightMatrix> all = new ArrayList<>();
        for (int cols : new int[] {256, 72}) {
            int rows = cols == 256 ? 40 : 41; // an odd count leaves a row outside the two-row tiles
            float[] w = gaussian(rows * cols);
            all.add(new F32Weights(w, rows, cols, kernels));
            short[] half = new short[w.length];
            short[] bf = new short[w.length];
            for (int i = 0; i < w.length; i++) {
                half[i] = HalfFloat.fromFloat(w[i]);
                bf[i] = (short) (Float.floatToRawIntBits(w[i]) >>> 16);
            }
            all.add(new F16Weights(half, rows, cols, false, kernels));
            all.add(new F16Weights(bf, rows, cols, true, kernels));
            java.nio.ByteBuffer mapped =
                    java.nio.ByteBuffer.allocateDirect(2 * half.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            mapped.asShortBuffer().put(half);
            all.add(new MappedF16Weights(mapped, rows, cols, kernels));
            for (QuantMode mode : QuantMode.values()) {
                for (int group : cols == 256 ? new int[] {32, 128, -1} : new int[] {24, -1}) {
                    all.add(WeightQuantizer.quantize(w, rows, cols, mode, group, kernels));
                }
            }
        }
        return all;
    }

    @Test
    void everyTokenOfABatchGetsExactlyItsOwnProduct() {
        for (DotKernels kernels : List.of(DotKernels.preferred(), DotKernels.scalar())) {
            for (WeightMatrix m : everyFormat(kernels)) {
                for (int tokens : new int[] {1, 2, 3, 4, 5, 8, 13}) {
                    float[] x = gaussian(tokens * m.cols());
                    float[] batched = new float[tokens * m.rows()];
                    m.matmul(x, tokens, batched, 0, m.rows());
                    for (int t = 0; t < tokens; t++) {
                        float[] single = new float[m.rows()];
                        m.matvec(Arrays.copyOfRange(x, t * m.cols(), (t + 1) * m.cols()), single, 0, m.rows());
                        assertThat(Arrays.copyOfRange(batched, t * m.rows(), (t + 1) * m.rows()))
                                .as(
                                        "%s %dx%d with %s kernels, token %d of %d",
                                        m.format(), m.rows(), m.cols(), kernels.name(), t, tokens)
                                .containsExactly(single);
                    }
                }
            }
        }
    }

    @Test
    void aBatchSplitAcrossThreadsEqualsOneThread() {
        for (WeightMatrix m : everyFormat(DotKernels.preferred())) {
            int tokens = 9;
            float[] x = gaussian(tokens * m.cols());
            float[] one = new float[tokens * m.rows()];
            m.matmul(x, tokens, one, 0, m.rows());
            try (RowParallelism p = new RowParallelism(2)) {
                float[] two = new float[one.length];
                p.matmul(m, x, tokens, two);
                assertThat(two).as(m.format()).containsExactly(one);
            }
        }
    }

    @Test
    void aTileTouchesOnlyItsRowsAndTokens() {
        WeightMatrix m = new F32Weights(gaussian(40 * 256), 40, 256, DotKernels.preferred());
        float[] x = gaussian(6 * 256);
        float[] out = new float[6 * 40];
        Arrays.fill(out, Float.NaN);
        m.matmul(x, 6, out, 10, 20);
        for (int t = 0; t < 6; t++) {
            for (int r = 0; r < 40; r++) {
                float v = out[t * 40 + r];
                assertThat(Float.isNaN(v)).as("token %d row %d", t, r).isEqualTo(r < 10 || r >= 20);
            }
        }
    }
}
