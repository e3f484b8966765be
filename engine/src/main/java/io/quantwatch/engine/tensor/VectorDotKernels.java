package io.quantwatch.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels (jdk.incubator.vector). Narrow formats are widened lane-for-lane into the
 * preferred float species: 8 bytes or 8 shorts per 8 floats on AVX2, 16 per 16 on AVX-512.
 */
final class VectorDotKernels implements DotKernels {
    static final VectorDotKernels INSTANCE = new VectorDotKernels();

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));

    private VectorDotKernels() {}

    @Override
    public float f32(float[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        int i = 0;
        int step = 4 * L;
        for (; i + step <= n; i += step) {
            a0 = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = FloatVector.fromArray(F, w, wOff + i + L).fma(FloatVector.fromArray(F, x, xOff + i + L), a1);
            a2 = FloatVector.fromArray(F, w, wOff + i + 2 * L).fma(FloatVector.fromArray(F, x, xOff + i + 2 * L), a2);
            a3 = FloatVector.fromArray(F, w, wOff + i + 3 * L).fma(FloatVector.fromArray(F, x, xOff + i + 3 * L), a3);
        }
        for (; i + L <= n; i += L) {
            a0 = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
        }
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += w[wOff + i] * x[xOff + i];
        }
        return s;
    }

    /** Binary16 bits widened to float bits: magnitude shifted into place and rebiased, then the sign. */
    private static FloatVector halfToFloat(ShortVector h) {
        // (h << 16) >> 3 (arithmetic) puts sign at bit 31, exponent at 27..23 and mantissa at 22..13, with copies of
        // the sign in bits 30..28; clearing those leaves a float whose exponent is the half's, bias 15 instead of 127.
        IntVector bits = (IntVector) h.convertShape(VectorOperators.S2I, I, 0);
        IntVector placed = bits.lanewise(VectorOperators.LSHL, 16)
                .lanewise(VectorOperators.ASHR, 3)
                .and(0x8FFFFFFF);
        return placed.reinterpretAsFloats().mul(HalfFloat.REBIAS);
    }

    @Override
    public float f16(short[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            a0 = halfToFloat(ShortVector.fromArray(S, w, wOff + i)).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = halfToFloat(ShortVector.fromArray(S, w, wOff + i + L))
                    .fma(FloatVector.fromArray(F, x, xOff + i + L), a1);
        }
        for (; i + L <= n; i += L) {
            a0 = halfToFloat(ShortVector.fromArray(S, w, wOff + i)).fma(FloatVector.fromArray(F, x, xOff + i), a0);
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += HalfFloat.toFloat(w[wOff + i]) * x[xOff + i];
        }
        return s;
    }

    @Override
    public float bf16(short[] w, int wOff, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= n; i += L) {
            IntVector bits = (IntVector) ShortVector.fromArray(S, w, wOff + i).convertShape(VectorOperators.S2I, I, 0);
            FloatVector v = bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            acc = v.fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += HalfFloat.bf16ToFloat(w[wOff + i]) * x[xOff + i];
        }
        return s;
    }

    @Override
    public float int8(byte[] q, int qOff, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector w0 = (FloatVector) ByteVector.fromArray(B, q, qOff + i).convertShape(VectorOperators.B2F, F, 0);
            FloatVector w1 =
                    (FloatVector) ByteVector.fromArray(B, q, qOff + i + L).convertShape(VectorOperators.B2F, F, 0);
            a0 = w0.fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = w1.fma(FloatVector.fromArray(F, x, xOff + i + L), a1);
        }
        for (; i + L <= n; i += L) {
            FloatVector w0 = (FloatVector) ByteVector.fromArray(B, q, qOff + i).convertShape(VectorOperators.B2F, F, 0);
            a0 = w0.fma(FloatVector.fromArray(F, x, xOff + i), a0);
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += q[qOff + i] * x[xOff + i];
        }
        return s;
    }

    @Override
    public float nibbles(byte[] packed, int byteOff, float[] x, int xOff, int groupSize, int bias) {
        int half = groupSize / 2;
        if (half % L != 0) {
            return ScalarDotKernels.INSTANCE.nibbles(packed, byteOff, x, xOff, groupSize, bias);
        }
        FloatVector lo = FloatVector.zero(F);
        FloatVector hi = FloatVector.zero(F);
        float b = bias;
        for (int j = 0; j < half; j += L) {
            ByteVector bytes = ByteVector.fromArray(B, packed, byteOff + j);
            FloatVector wl = ((FloatVector) bytes.and((byte) 0x0F).convertShape(VectorOperators.B2F, F, 0)).sub(b);
            FloatVector wh = ((FloatVector) bytes.lanewise(VectorOperators.LSHR, 4)
                            .and((byte) 0x0F)
                            .convertShape(VectorOperators.B2F, F, 0))
                    .sub(b);
            lo = wl.fma(FloatVector.fromArray(F, x, xOff + j), lo);
            hi = wh.fma(FloatVector.fromArray(F, x, xOff + half + j), hi);
        }
        return lo.add(hi).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public float int8Row(
            byte[] q,
            int qOff,
            float[] scales,
            int sOff,
            byte[] zeros,
            float[] xSums,
            float[] x,
            int cols,
            int groupSize) {
        if (groupSize % (2 * L) != 0) {
            return ScalarDotKernels.INSTANCE.int8Row(q, qOff, scales, sOff, zeros, xSums, x, cols, groupSize);
        }
        FloatVector acc = FloatVector.zero(F);
        float correction = 0;
        int groups = cols / groupSize;
        for (int g = 0; g < groups; g++) {
            int base = g * groupSize;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            for (int i = 0; i < groupSize; i += 2 * L) {
                FloatVector w0 = (FloatVector)
                        ByteVector.fromArray(B, q, qOff + base + i).convertShape(VectorOperators.B2F, F, 0);
                FloatVector w1 = (FloatVector)
                        ByteVector.fromArray(B, q, qOff + base + i + L).convertShape(VectorOperators.B2F, F, 0);
                a0 = w0.fma(FloatVector.fromArray(F, x, base + i), a0);
                a1 = w1.fma(FloatVector.fromArray(F, x, base + i + L), a1);
            }
            float s = scales[sOff + g];
            acc = a0.add(a1).fma(FloatVector.broadcast(F, s), acc);
            if (zeros != null) {
                correction += s * zeros[sOff + g] * xSums[g];
            }
        }
        return acc.reduceLanes(VectorOperators.ADD) - correction;
    }

    @Override
    public float nibbleRow(
            byte[] packed,
            int pOff,
            float[] scales,
            int sOff,
            byte[] zeros,
            float[] xSums,
            float[] x,
            int cols,
            int groupSize) {
        int half = groupSize / 2;
        if (half % L != 0) {
            return ScalarDotKernels.INSTANCE.nibbleRow(packed, pOff, scales, sOff, zeros, xSums, x, cols, groupSize);
        }
        FloatVector acc = FloatVector.zero(F);
        float correction = 0;
        int groups = cols / groupSize;
        for (int g = 0; g < groups; g++) {
            int xBase = g * groupSize;
            int pBase = pOff + g * half;
            FloatVector lo = FloatVector.zero(F);
            FloatVector hi = FloatVector.zero(F);
            for (int j = 0; j < half; j += L) {
                ByteVector bytes = ByteVector.fromArray(B, packed, pBase + j);
                FloatVector wl = (FloatVector) bytes.and((byte) 0x0F).convertShape(VectorOperators.B2F, F, 0);
                FloatVector wh =
                        (FloatVector) bytes.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.B2F, F, 0);
                lo = wl.fma(FloatVector.fromArray(F, x, xBase + j), lo);
                hi = wh.fma(FloatVector.fromArray(F, x, xBase + half + j), hi);
            }
            float s = scales[sOff + g];
            acc = lo.add(hi).fma(FloatVector.broadcast(F, s), acc);
            correction += s * (zeros == null ? 8 : zeros[sOff + g]) * xSums[g];
        }
        return acc.reduceLanes(VectorOperators.ADD) - correction;
    }

    @Override
    public float sum(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= n; i += L) {
            acc = acc.add(FloatVector.fromArray(F, x, off + i));
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += x[off + i];
        }
        return s;
    }

    @Override
    public String name() {
        return "vector-" + F.vectorBitSize();
    }
}
