package io.quantwatch.engine.quant;

import io.quantwatch.engine.tensor.CodebookWeights;
import io.quantwatch.engine.tensor.DotKernels;
import io.quantwatch.engine.tensor.F32Weights;
import io.quantwatch.engine.tensor.Int4Weights;
import io.quantwatch.engine.tensor.Int8Weights;
import io.quantwatch.engine.tensor.WeightMatrix;

/**
 * NNCF's weight-compression numerics for one [rows × cols] matrix, reduced along cols in groups
 * (group size = cols for channel-wise). All arithmetic is float32 as in NNCF's reference path;
 * rounding is half-to-even (numpy.round).
 *
 * <ul>
 *   <li>INT*_SYM: signed scale = (|min| ≥ max ? |min| : −max) / 2^(b−1); q = clip(round(w/s), −2^(b−1), 2^(b−1)−1).
 *   <li>INT*_ASYM: s = (max − min)/(2^b − 1); z = clip(−round(min/s), 0, 2^b−1); q = clip(round(w/s + z), 0, 2^b−1).
 *   <li>NF4: s = max|w|; code = searchsorted(midpoints, w/s).
 *   <li>FP8_E4M3: s = max|w| / 448; code = e4m3(w/s).
 * </ul>
 * Scales below float32 epsilon are replaced by epsilon, as NNCF does.
 */
public final class WeightQuantizer {
    private static final float EPS = Math.ulp(1.0f); // numpy.finfo(float32).eps

    private WeightQuantizer() {}

    /** Quantizes and packs; {@code groupSize} −1 means channel-wise. */
    public static WeightMatrix quantize(
            float[] w, int rows, int cols, QuantMode mode, int groupSize, DotKernels kernels) {
        int g = groupSize == -1 ? cols : groupSize;
        if (g <= 0 || cols % g != 0) {
            throw new IllegalArgumentException("group size " + groupSize + " does not divide the row length " + cols
                    + "; use a divisor of " + cols + " or group=-1 (channel-wise)");
        }
        String suffix = groupSize == -1 ? " per-channel" : " g" + g;
        return switch (mode) {
            case INT8_SYM, INT4_SYM -> symmetric(w, rows, cols, g, mode, mode + suffix, kernels);
            case INT8_ASYM, INT4_ASYM -> asymmetric(w, rows, cols, g, mode, mode + suffix, kernels);
            case NF4 -> nf4(w, rows, cols, g, "NF4" + suffix, kernels);
            case FP8_E4M3 -> fp8(w, rows, cols, g, "FP8_E4M3" + suffix, kernels);
        };
    }

    /** The dequantized (fake-quantized) floats NNCF's quantize-dequantize would produce. */
    public static float[] quantizeDequantize(float[] w, int rows, int cols, QuantMode mode, int groupSize) {
        return quantize(w, rows, cols, mode, groupSize, DotKernels.scalar()).toFloats();
    }

    private static float signedScale(float[] w, int from, int to, int bits) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            min = Math.min(min, w[i]);
            max = Math.max(max, w[i]);
        }
        float absMin = Math.abs(min);
        float scale = (absMin >= max ? absMin : -max) / (1 << (bits - 1));
        return Math.abs(scale) < EPS ? EPS : scale;
    }

    private static WeightMatrix symmetric(
            float[] w, int rows, int cols, int g, QuantMode mode, String format, DotKernels kernels) {
        int bits = mode.bits();
        int lo = -(1 << (bits - 1));
        int hi = (1 << (bits - 1)) - 1;
        int groups = rows * cols / g;
        float[] scales = new float[groups];
        int[] q = new int[rows * cols];
        for (int gi = 0; gi < groups; gi++) {
            int from = gi * g;
            float s = signedScale(w, from, from + g, bits);
            scales[gi] = s;
            for (int i = from; i < from + g; i++) {
                q[i] = clip((int) Math.rint(w[i] / s), lo, hi);
            }
        }
        if (bits == 8) {
            byte[] b = new byte[q.length];
            for (int i = 0; i < q.length; i++) {
                b[i] = (byte) q[i];
            }
            return new Int8Weights(b, scales, null, rows, cols, g, format, kernels);
        }
        int[] nibbles = new int[q.length];
        for (int i = 0; i < q.length; i++) {
            nibbles[i] = q[i] + 8;
        }
        return new Int4Weights(Int4Weights.pack(nibbles, g), scales, null, rows, cols, g, format, kernels);
    }

    private static WeightMatrix asymmetric(
            float[] w, int rows, int cols, int g, QuantMode mode, String format, DotKernels kernels) {
        int levelHigh = (1 << mode.bits()) - 1;
        int groups = rows * cols / g;
        float[] scales = new float[groups];
        int[] zeros = new int[groups];
        int[] q = new int[rows * cols];
        for (int gi = 0; gi < groups; gi++) {
            int from = gi * g;
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = from; i < from + g; i++) {
                min = Math.min(min, w[i]);
                max = Math.max(max, w[i]);
            }
            float s = (max - min) / levelHigh;
            if (Math.abs(s) < EPS) {
                s = EPS;
            }
            int z = clip((int) -Math.rint(min / s), 0, levelHigh);
            scales[gi] = s;
            zeros[gi] = z;
            for (int i = from; i < from + g; i++) {
                q[i] = clip((int) Math.rint(w[i] / s + (float) z), 0, levelHigh);
            }
        }
        if (mode.bits() == 8) {
            byte[] b = new byte[q.length];
            for (int i = 0; i < q.length; i++) {
                b[i] = (byte) (q[i] - 128);
            }
            byte[] z = new byte[groups];
            for (int i = 0; i < groups; i++) {
                z[i] = (byte) (zeros[i] - 128);
            }
            return new Int8Weights(b, scales, z, rows, cols, g, format, kernels);
        }
        byte[] z = new byte[groups];
        for (int i = 0; i < groups; i++) {
            z[i] = (byte) zeros[i];
        }
        return new Int4Weights(Int4Weights.pack(q, g), scales, z, rows, cols, g, format, kernels);
    }

    private static float absMaxScale(float[] w, int from, int to, float divisor) {
        float m = 0;
        for (int i = from; i < to; i++) {
            m = Math.max(m, Math.abs(w[i]));
        }
        float s = m / divisor;
        return Math.abs(s) < EPS ? EPS : s;
    }

    private static WeightMatrix nf4(float[] w, int rows, int cols, int g, String format, DotKernels kernels) {
        int groups = rows * cols / g;
        float[] scales = new float[groups];
        int[] idx = new int[rows * cols];
        for (int gi = 0; gi < groups; gi++) {
            int from = gi * g;
            float s = absMaxScale(w, from, from + g, 1f);
            scales[gi] = s;
            for (int i = from; i < from + g; i++) {
                idx[i] = Nf4.encode(w[i] / s);
            }
        }
        return new CodebookWeights(
                Int4Weights.pack(idx, g), Nf4.codebook(), scales, rows, cols, g, true, format, kernels);
    }

    private static WeightMatrix fp8(float[] w, int rows, int cols, int g, String format, DotKernels kernels) {
        int groups = rows * cols / g;
        float[] scales = new float[groups];
        byte[] codes = new byte[rows * cols];
        for (int gi = 0; gi < groups; gi++) {
            int from = gi * g;
            float s = absMaxScale(w, from, from + g, Fp8E4M3.MAX);
            scales[gi] = s;
            for (int i = from; i < from + g; i++) {
                codes[i] = (byte) Fp8E4M3.encode(w[i] / s);
            }
        }
        return new CodebookWeights(codes, Fp8E4M3.codebook(), scales, rows, cols, g, false, format, kernels);
    }

    /**
     * NNCF's data-free sensitivity input: the largest per-row mean squared error of INT8_ASYM
     * channel-wise quantize-dequantize.
     */
    public static double int8AsymError(float[] w, int rows, int cols) {
        float[] dq = quantizeDequantize(w, rows, cols, QuantMode.INT8_ASYM, -1);
        double worst = 0;
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                double d = dq[r * cols + c] - w[r * cols + c];
                sum += d * d;
            }
            worst = Math.max(worst, sum / cols);
        }
        return worst;
    }

    /** Keeps full precision (for the "backup = none" policy and references). */
    public static WeightMatrix keepF32(float[] w, int rows, int cols, DotKernels kernels) {
        return new F32Weights(w, rows, cols, kernels);
    }

    private static int clip(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
