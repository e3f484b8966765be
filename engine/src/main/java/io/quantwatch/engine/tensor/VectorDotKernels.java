package io.quantwatch.engine.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
        // Two accumulators (not four): the tile kernel then keeps 4 × 2 of them in registers, and must match this.
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            a0 = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = FloatVector.fromArray(F, w, wOff + i + L).fma(FloatVector.fromArray(F, x, xOff + i + L), a1);
        }
        for (; i + L <= n; i += L) {
            a0 = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += w[wOff + i] * x[xOff + i];
        }
        return s;
    }

    @Override
    public void f32Tile(
            float[] w, int wOff, float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        int x0 = xOff;
        int x1 = xOff + xStride;
        int x2 = xOff + 2 * xStride;
        int x3 = xOff + 3 * xStride;
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F);
        FloatVector a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F);
        FloatVector a31 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector w0 = FloatVector.fromArray(F, w, wOff + i);
            FloatVector w1 = FloatVector.fromArray(F, w, wOff + i + L);
            a00 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a00);
            a01 = w1.fma(FloatVector.fromArray(F, x, x0 + i + L), a01);
            a10 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a10);
            a11 = w1.fma(FloatVector.fromArray(F, x, x1 + i + L), a11);
            a20 = w0.fma(FloatVector.fromArray(F, x, x2 + i), a20);
            a21 = w1.fma(FloatVector.fromArray(F, x, x2 + i + L), a21);
            a30 = w0.fma(FloatVector.fromArray(F, x, x3 + i), a30);
            a31 = w1.fma(FloatVector.fromArray(F, x, x3 + i + L), a31);
        }
        for (; i + L <= n; i += L) {
            FloatVector w0 = FloatVector.fromArray(F, w, wOff + i);
            a00 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a00);
            a10 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a10);
            a20 = w0.fma(FloatVector.fromArray(F, x, x2 + i), a20);
            a30 = w0.fma(FloatVector.fromArray(F, x, x3 + i), a30);
        }
        float s0 = a00.add(a01).reduceLanes(VectorOperators.ADD);
        float s1 = a10.add(a11).reduceLanes(VectorOperators.ADD);
        float s2 = a20.add(a21).reduceLanes(VectorOperators.ADD);
        float s3 = a30.add(a31).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float wi = w[wOff + i];
            s0 += wi * x[x0 + i];
            s1 += wi * x[x1 + i];
            s2 += wi * x[x2 + i];
            s3 += wi * x[x3 + i];
        }
        out[outOff] = s0;
        out[outOff + outStride] = s1;
        out[outOff + 2 * outStride] = s2;
        out[outOff + 3 * outStride] = s3;
    }

    /** Pair tiles share each input load between two rows; each result is the row kernel's, bit for bit. */
    @Override
    public void f32TilePair(
            float[] w, int wOff, float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        int x0 = xOff;
        int x1 = xOff + xStride;
        int x2 = xOff + 2 * xStride;
        int x3 = xOff + 3 * xStride;
        // Row r's accumulators a<token><0|1> and row r + 1's b<token><0|1>, as the row kernel's a0 and a1.
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00;
        FloatVector a31 = a00, b00 = a00, b01 = a00, b10 = a00, b11 = a00, b20 = a00, b21 = a00, b30 = a00, b31 = a00;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector w0 = FloatVector.fromArray(F, w, wOff + i);
            FloatVector w1 = FloatVector.fromArray(F, w, wOff + i + L);
            FloatVector u0 = FloatVector.fromArray(F, w, wOff + n + i);
            FloatVector u1 = FloatVector.fromArray(F, w, wOff + n + i + L);
            FloatVector lo = FloatVector.fromArray(F, x, x0 + i);
            FloatVector hi = FloatVector.fromArray(F, x, x0 + i + L);
            a00 = w0.fma(lo, a00);
            a01 = w1.fma(hi, a01);
            b00 = u0.fma(lo, b00);
            b01 = u1.fma(hi, b01);
            lo = FloatVector.fromArray(F, x, x1 + i);
            hi = FloatVector.fromArray(F, x, x1 + i + L);
            a10 = w0.fma(lo, a10);
            a11 = w1.fma(hi, a11);
            b10 = u0.fma(lo, b10);
            b11 = u1.fma(hi, b11);
            lo = FloatVector.fromArray(F, x, x2 + i);
            hi = FloatVector.fromArray(F, x, x2 + i + L);
            a20 = w0.fma(lo, a20);
            a21 = w1.fma(hi, a21);
            b20 = u0.fma(lo, b20);
            b21 = u1.fma(hi, b21);
            lo = FloatVector.fromArray(F, x, x3 + i);
            hi = FloatVector.fromArray(F, x, x3 + i + L);
            a30 = w0.fma(lo, a30);
            a31 = w1.fma(hi, a31);
            b30 = u0.fma(lo, b30);
            b31 = u1.fma(hi, b31);
        }
        for (; i + L <= n; i += L) {
            FloatVector w0 = FloatVector.fromArray(F, w, wOff + i);
            FloatVector u0 = FloatVector.fromArray(F, w, wOff + n + i);
            FloatVector v = FloatVector.fromArray(F, x, x0 + i);
            a00 = w0.fma(v, a00);
            b00 = u0.fma(v, b00);
            v = FloatVector.fromArray(F, x, x1 + i);
            a10 = w0.fma(v, a10);
            b10 = u0.fma(v, b10);
            v = FloatVector.fromArray(F, x, x2 + i);
            a20 = w0.fma(v, a20);
            b20 = u0.fma(v, b20);
            v = FloatVector.fromArray(F, x, x3 + i);
            a30 = w0.fma(v, a30);
            b30 = u0.fma(v, b30);
        }
        float s0 = a00.add(a01).reduceLanes(VectorOperators.ADD);
        float s1 = a10.add(a11).reduceLanes(VectorOperators.ADD);
        float s2 = a20.add(a21).reduceLanes(VectorOperators.ADD);
        float s3 = a30.add(a31).reduceLanes(VectorOperators.ADD);
        float r0 = b00.add(b01).reduceLanes(VectorOperators.ADD);
        float r1 = b10.add(b11).reduceLanes(VectorOperators.ADD);
        float r2 = b20.add(b21).reduceLanes(VectorOperators.ADD);
        float r3 = b30.add(b31).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float wi = w[wOff + i];
            float ui = w[wOff + n + i];
            s0 += wi * x[x0 + i];
            s1 += wi * x[x1 + i];
            s2 += wi * x[x2 + i];
            s3 += wi * x[x3 + i];
            r0 += ui * x[x0 + i];
            r1 += ui * x[x1 + i];
            r2 += ui * x[x2 + i];
            r3 += ui * x[x3 + i];
        }
        out[outOff] = s0;
        out[outOff + 1] = r0;
        out[outOff + outStride] = s1;
        out[outOff + outStride + 1] = r1;
        out[outOff + 2 * outStride] = s2;
        out[outOff + 2 * outStride + 1] = r2;
        out[outOff + 3 * outStride] = s3;
        out[outOff + 3 * outStride + 1] = r3;
    }

    @Override
    public void f16TilePair(
            short[] w, int wOff, float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        int x0 = xOff;
        int x1 = xOff + xStride;
        int x2 = xOff + 2 * xStride;
        int x3 = xOff + 3 * xStride;
        // Row r's accumulators a<token><0|1> and row r + 1's b<token><0|1>, as the row kernel's a0 and a1.
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00;
        FloatVector a31 = a00, b00 = a00, b01 = a00, b10 = a00, b11 = a00, b20 = a00, b21 = a00, b30 = a00, b31 = a00;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector w0 = halfToFloat(ShortVector.fromArray(S, w, wOff + i));
            FloatVector w1 = halfToFloat(ShortVector.fromArray(S, w, wOff + i + L));
            FloatVector u0 = halfToFloat(ShortVector.fromArray(S, w, wOff + n + i));
            FloatVector u1 = halfToFloat(ShortVector.fromArray(S, w, wOff + n + i + L));
            FloatVector lo = FloatVector.fromArray(F, x, x0 + i);
            FloatVector hi = FloatVector.fromArray(F, x, x0 + i + L);
            a00 = w0.fma(lo, a00);
            a01 = w1.fma(hi, a01);
            b00 = u0.fma(lo, b00);
            b01 = u1.fma(hi, b01);
            lo = FloatVector.fromArray(F, x, x1 + i);
            hi = FloatVector.fromArray(F, x, x1 + i + L);
            a10 = w0.fma(lo, a10);
            a11 = w1.fma(hi, a11);
            b10 = u0.fma(lo, b10);
            b11 = u1.fma(hi, b11);
            lo = FloatVector.fromArray(F, x, x2 + i);
            hi = FloatVector.fromArray(F, x, x2 + i + L);
            a20 = w0.fma(lo, a20);
            a21 = w1.fma(hi, a21);
            b20 = u0.fma(lo, b20);
            b21 = u1.fma(hi, b21);
            lo = FloatVector.fromArray(F, x, x3 + i);
            hi = FloatVector.fromArray(F, x, x3 + i + L);
            a30 = w0.fma(lo, a30);
            a31 = w1.fma(hi, a31);
            b30 = u0.fma(lo, b30);
            b31 = u1.fma(hi, b31);
        }
        for (; i + L <= n; i += L) {
            FloatVector w0 = halfToFloat(ShortVector.fromArray(S, w, wOff + i));
            FloatVector u0 = halfToFloat(ShortVector.fromArray(S, w, wOff + n + i));
            FloatVector v = FloatVector.fromArray(F, x, x0 + i);
            a00 = w0.fma(v, a00);
            b00 = u0.fma(v, b00);
            v = FloatVector.fromArray(F, x, x1 + i);
            a10 = w0.fma(v, a10);
            b10 = u0.fma(v, b10);
            v = FloatVector.fromArray(F, x, x2 + i);
            a20 = w0.fma(v, a20);
            b20 = u0.fma(v, b20);
            v = FloatVector.fromArray(F, x, x3 + i);
            a30 = w0.fma(v, a30);
            b30 = u0.fma(v, b30);
        }
        float s0 = a00.add(a01).reduceLanes(VectorOperators.ADD);
        float s1 = a10.add(a11).reduceLanes(VectorOperators.ADD);
        float s2 = a20.add(a21).reduceLanes(VectorOperators.ADD);
        float s3 = a30.add(a31).reduceLanes(VectorOperators.ADD);
        float r0 = b00.add(b01).reduceLanes(VectorOperators.ADD);
        float r1 = b10.add(b11).reduceLanes(VectorOperators.ADD);
        float r2 = b20.add(b21).reduceLanes(VectorOperators.ADD);
        float r3 = b30.add(b31).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float wi = HalfFloat.toFloat(w[wOff + i]);
            float ui = HalfFloat.toFloat(w[wOff + n + i]);
            s0 += wi * x[x0 + i];
            s1 += wi * x[x1 + i];
            s2 += wi * x[x2 + i];
            s3 += wi * x[x3 + i];
            r0 += ui * x[x0 + i];
            r1 += ui * x[x1 + i];
            r2 += ui * x[x2 + i];
            r3 += ui * x[x3 + i];
        }
        out[outOff] = s0;
        out[outOff + 1] = r0;
        out[outOff + outStride] = s1;
        out[outOff + outStride + 1] = r1;
        out[outOff + 2 * outStride] = s2;
        out[outOff + 2 * outStride + 1] = r2;
        out[outOff + 3 * outStride] = s3;
        out[outOff + 3 * outStride + 1] = r3;
    }

    @Override
    public void f16TilePair(
            ByteBuffer w,
            int wByteOff,
            float[] x,
            int xOff,
            int xStride,
            int n,
            float[] out,
            int outOff,
            int outStride) {
        int x0 = xOff;
        int x1 = xOff + xStride;
        int x2 = xOff + 2 * xStride;
        int x3 = xOff + 3 * xStride;
        // Row r's accumulators a<token><0|1> and row r + 1's b<token><0|1>, as the row kernel's a0 and a1.
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00;
        FloatVector a31 = a00, b00 = a00, b01 = a00, b10 = a00, b11 = a00, b20 = a00, b21 = a00, b30 = a00, b31 = a00;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector w0 = halfToFloat(w, wByteOff + 2 * (i));
            FloatVector w1 = halfToFloat(w, wByteOff + 2 * (i + L));
            FloatVector u0 = halfToFloat(w, wByteOff + 2 * (n + i));
            FloatVector u1 = halfToFloat(w, wByteOff + 2 * (n + i + L));
            FloatVector lo = FloatVector.fromArray(F, x, x0 + i);
            FloatVector hi = FloatVector.fromArray(F, x, x0 + i + L);
            a00 = w0.fma(lo, a00);
            a01 = w1.fma(hi, a01);
            b00 = u0.fma(lo, b00);
            b01 = u1.fma(hi, b01);
            lo = FloatVector.fromArray(F, x, x1 + i);
            hi = FloatVector.fromArray(F, x, x1 + i + L);
            a10 = w0.fma(lo, a10);
            a11 = w1.fma(hi, a11);
            b10 = u0.fma(lo, b10);
            b11 = u1.fma(hi, b11);
            lo = FloatVector.fromArray(F, x, x2 + i);
            hi = FloatVector.fromArray(F, x, x2 + i + L);
            a20 = w0.fma(lo, a20);
            a21 = w1.fma(hi, a21);
            b20 = u0.fma(lo, b20);
            b21 = u1.fma(hi, b21);
            lo = FloatVector.fromArray(F, x, x3 + i);
            hi = FloatVector.fromArray(F, x, x3 + i + L);
            a30 = w0.fma(lo, a30);
            a31 = w1.fma(hi, a31);
            b30 = u0.fma(lo, b30);
            b31 = u1.fma(hi, b31);
        }
        for (; i + L <= n; i += L) {
            FloatVector w0 = halfToFloat(w, wByteOff + 2 * (i));
            FloatVector u0 = halfToFloat(w, wByteOff + 2 * (n + i));
            FloatVector v = FloatVector.fromArray(F, x, x0 + i);
            a00 = w0.fma(v, a00);
            b00 = u0.fma(v, b00);
            v = FloatVector.fromArray(F, x, x1 + i);
            a10 = w0.fma(v, a10);
            b10 = u0.fma(v, b10);
            v = FloatVector.fromArray(F, x, x2 + i);
            a20 = w0.fma(v, a20);
            b20 = u0.fma(v, b20);
            v = FloatVector.fromArray(F, x, x3 + i);
            a30 = w0.fma(v, a30);
            b30 = u0.fma(v, b30);
        }
        float s0 = a00.add(a01).reduceLanes(VectorOperators.ADD);
        float s1 = a10.add(a11).reduceLanes(VectorOperators.ADD);
        float s2 = a20.add(a21).reduceLanes(VectorOperators.ADD);
        float s3 = a30.add(a31).reduceLanes(VectorOperators.ADD);
        float r0 = b00.add(b01).reduceLanes(VectorOperators.ADD);
        float r1 = b10.add(b11).reduceLanes(VectorOperators.ADD);
        float r2 = b20.add(b21).reduceLanes(VectorOperators.ADD);
        float r3 = b30.add(b31).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float wi = HalfFloat.toFloat(w.getShort(wByteOff + 2 * i));
            float ui = HalfFloat.toFloat(w.getShort(wByteOff + 2 * (n + i)));
            s0 += wi * x[x0 + i];
            s1 += wi * x[x1 + i];
            s2 += wi * x[x2 + i];
            s3 += wi * x[x3 + i];
            r0 += ui * x[x0 + i];
            r1 += ui * x[x1 + i];
            r2 += ui * x[x2 + i];
            r3 += ui * x[x3 + i];
        }
        out[outOff] = s0;
        out[outOff + 1] = r0;
        out[outOff + outStride] = s1;
        out[outOff + outStride + 1] = r1;
        out[outOff + 2 * outStride] = s2;
        out[outOff + 2 * outStride + 1] = r2;
        out[outOff + 3 * outStride] = s3;
        out[outOff + 3 * outStride + 1] = r3;
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

    private static FloatVector halfToFloat(ByteBuffer w, int byteOff) {
        return halfToFloat(ShortVector.fromByteBuffer(S, w, byteOff, ByteOrder.LITTLE_ENDIAN));
    }

    @Override
    public float f16(ByteBuffer w, int wByteOff, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            a0 = halfToFloat(w, wByteOff + 2 * i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = halfToFloat(w, wByteOff + 2 * (i + L)).fma(FloatVector.fromArray(F, x, xOff + i + L), a1);
        }
        for (; i + L <= n; i += L) {
            a0 = halfToFloat(w, wByteOff + 2 * i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += HalfFloat.toFloat(w.getShort(wByteOff + 2 * i)) * x[xOff + i];
        }
        return s;
    }

    @Override
    public void f16Tile(
            ByteBuffer w,
            int wByteOff,
            float[] x,
            int xOff,
            int xStride,
            int n,
            float[] out,
            int outOff,
            int outStride) {
        int x0 = xOff;
        int x1 = xOff + xStride;
        int x2 = xOff + 2 * xStride;
        int x3 = xOff + 3 * xStride;
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F);
        FloatVector a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F);
        FloatVector a31 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector w0 = halfToFloat(w, wByteOff + 2 * i);
            FloatVector w1 = halfToFloat(w, wByteOff + 2 * (i + L));
            a00 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a00);
            a01 = w1.fma(FloatVector.fromArray(F, x, x0 + i + L), a01);
            a10 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a10);
            a11 = w1.fma(FloatVector.fromArray(F, x, x1 + i + L), a11);
            a20 = w0.fma(FloatVector.fromArray(F, x, x2 + i), a20);
            a21 = w1.fma(FloatVector.fromArray(F, x, x2 + i + L), a21);
            a30 = w0.fma(FloatVector.fromArray(F, x, x3 + i), a30);
            a31 = w1.fma(FloatVector.fromArray(F, x, x3 + i + L), a31);
        }
        for (; i + L <= n; i += L) {
            FloatVector w0 = halfToFloat(w, wByteOff + 2 * i);
            a00 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a00);
            a10 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a10);
            a20 = w0.fma(FloatVector.fromArray(F, x, x2 + i), a20);
            a30 = w0.fma(FloatVector.fromArray(F, x, x3 + i), a30);
        }
        float s0 = a00.add(a01).reduceLanes(VectorOperators.ADD);
        float s1 = a10.add(a11).reduceLanes(VectorOperators.ADD);
        float s2 = a20.add(a21).reduceLanes(VectorOperators.ADD);
        float s3 = a30.add(a31).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float wi = HalfFloat.toFloat(w.getShort(wByteOff + 2 * i));
            s0 += wi * x[x0 + i];
            s1 += wi * x[x1 + i];
            s2 += wi * x[x2 + i];
            s3 += wi * x[x3 + i];
        }
        out[outOff] = s0;
        out[outOff + outStride] = s1;
        out[outOff + 2 * outStride] = s2;
        out[outOff + 3 * outStride] = s3;
    }

    @Override
    public void f16Tile(
            short[] w, int wOff, float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        int x0 = xOff;
        int x1 = xOff + xStride;
        int x2 = xOff + 2 * xStride;
        int x3 = xOff + 3 * xStride;
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F);
        FloatVector a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F);
        FloatVector a31 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector w0 = halfToFloat(ShortVector.fromArray(S, w, wOff + i));
            FloatVector w1 = halfToFloat(ShortVector.fromArray(S, w, wOff + i + L));
            a00 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a00);
            a01 = w1.fma(FloatVector.fromArray(F, x, x0 + i + L), a01);
            a10 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a10);
            a11 = w1.fma(FloatVector.fromArray(F, x, x1 + i + L), a11);
            a20 = w0.fma(FloatVector.fromArray(F, x, x2 + i), a20);
            a21 = w1.fma(FloatVector.fromArray(F, x, x2 + i + L), a21);
            a30 = w0.fma(FloatVector.fromArray(F, x, x3 + i), a30);
            a31 = w1.fma(FloatVector.fromArray(F, x, x3 + i + L), a31);
        }
        for (; i + L <= n; i += L) {
            FloatVector w0 = halfToFloat(ShortVector.fromArray(S, w, wOff + i));
            a00 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a00);
            a10 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a10);
            a20 = w0.fma(FloatVector.fromArray(F, x, x2 + i), a20);
            a30 = w0.fma(FloatVector.fromArray(F, x, x3 + i), a30);
        }
        float s0 = a00.add(a01).reduceLanes(VectorOperators.ADD);
        float s1 = a10.add(a11).reduceLanes(VectorOperators.ADD);
        float s2 = a20.add(a21).reduceLanes(VectorOperators.ADD);
        float s3 = a30.add(a31).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float wi = HalfFloat.toFloat(w[wOff + i]);
            s0 += wi * x[x0 + i];
            s1 += wi * x[x1 + i];
            s2 += wi * x[x2 + i];
            s3 += wi * x[x3 + i];
        }
        out[outOff] = s0;
        out[outOff + outStride] = s1;
        out[outOff + 2 * outStride] = s2;
        out[outOff + 3 * outStride] = s3;
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
            int sumsOff,
            float[] x,
            int xOff,
            int cols,
            int groupSize) {
        if (groupSize % (2 * L) != 0) {
            return ScalarDotKernels.INSTANCE.int8Row(
                    q, qOff, scales, sOff, zeros, xSums, sumsOff, x, xOff, cols, groupSize);
        }
        FloatVector acc = FloatVector.zero(F);
        float correction = 0;
        int groups = cols / groupSize;
        for (int g = 0; g < groups; g++) {
            int base = g * groupSize;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            for (int i = 0; i < groupSize; i += 2 * L) {
                FloatVector w0 = int8Lanes(q, qOff + base + i);
                FloatVector w1 = int8Lanes(q, qOff + base + i + L);
                a0 = w0.fma(FloatVector.fromArray(F, x, xOff + base + i), a0);
                a1 = w1.fma(FloatVector.fromArray(F, x, xOff + base + i + L), a1);
            }
            float s = scales[sOff + g];
            acc = a0.add(a1).fma(FloatVector.broadcast(F, s), acc);
            if (zeros != null) {
                correction += s * zeros[sOff + g] * xSums[sumsOff + g];
            }
        }
        return acc.reduceLanes(VectorOperators.ADD) - correction;
    }

    private static FloatVector int8Lanes(byte[] q, int off) {
        return (FloatVector) ByteVector.fromArray(B, q, off).convertShape(VectorOperators.B2F, F, 0);
    }

    @Override
    public void int8RowTile(
            byte[] q,
            int qOff,
            float[] scales,
            int sOff,
            byte[] zeros,
            float[] xSums,
            int sumsOff,
            int sumsStride,
            float[] x,
            int xOff,
            int xStride,
            int cols,
            int groupSize,
            float[] out,
            int outOff,
            int outStride) {
        if (groupSize % (2 * L) != 0) {
            DotKernels.super.int8RowTile(
                    q,
                    qOff,
                    scales,
                    sOff,
                    zeros,
                    xSums,
                    sumsOff,
                    sumsStride,
                    x,
                    xOff,
                    xStride,
                    cols,
                    groupSize,
                    out,
                    outOff,
                    outStride);
            return;
        }
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        float c0 = 0;
        float c1 = 0;
        float c2 = 0;
        float c3 = 0;
        int groups = cols / groupSize;
        for (int g = 0; g < groups; g++) {
            int base = g * groupSize;
            int x0 = xOff + base;
            int x1 = x0 + xStride;
            int x2 = x0 + 2 * xStride;
            int x3 = x0 + 3 * xStride;
            FloatVector a00 = FloatVector.zero(F);
            FloatVector a01 = FloatVector.zero(F);
            FloatVector a10 = FloatVector.zero(F);
            FloatVector a11 = FloatVector.zero(F);
            FloatVector a20 = FloatVector.zero(F);
            FloatVector a21 = FloatVector.zero(F);
            FloatVector a30 = FloatVector.zero(F);
            FloatVector a31 = FloatVector.zero(F);
            for (int i = 0; i < groupSize; i += 2 * L) {
                FloatVector w0 = int8Lanes(q, qOff + base + i);
                FloatVector w1 = int8Lanes(q, qOff + base + i + L);
                a00 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a00);
                a01 = w1.fma(FloatVector.fromArray(F, x, x0 + i + L), a01);
                a10 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a10);
                a11 = w1.fma(FloatVector.fromArray(F, x, x1 + i + L), a11);
                a20 = w0.fma(FloatVector.fromArray(F, x, x2 + i), a20);
                a21 = w1.fma(FloatVector.fromArray(F, x, x2 + i + L), a21);
                a30 = w0.fma(FloatVector.fromArray(F, x, x3 + i), a30);
                a31 = w1.fma(FloatVector.fromArray(F, x, x3 + i + L), a31);
            }
            float s = scales[sOff + g];
            FloatVector sv = FloatVector.broadcast(F, s);
            acc0 = a00.add(a01).fma(sv, acc0);
            acc1 = a10.add(a11).fma(sv, acc1);
            acc2 = a20.add(a21).fma(sv, acc2);
            acc3 = a30.add(a31).fma(sv, acc3);
            if (zeros != null) {
                float sz = s * zeros[sOff + g];
                c0 += sz * xSums[sumsOff + g];
                c1 += sz * xSums[sumsOff + sumsStride + g];
                c2 += sz * xSums[sumsOff + 2 * sumsStride + g];
                c3 += sz * xSums[sumsOff + 3 * sumsStride + g];
            }
        }
        out[outOff] = acc0.reduceLanes(VectorOperators.ADD) - c0;
        out[outOff + outStride] = acc1.reduceLanes(VectorOperators.ADD) - c1;
        out[outOff + 2 * outStride] = acc2.reduceLanes(VectorOperators.ADD) - c2;
        out[outOff + 3 * outStride] = acc3.reduceLanes(VectorOperators.ADD) - c3;
    }

    @Override
    public float nibbleRow(
            byte[] packed,
            int pOff,
            float[] scales,
            int sOff,
            byte[] zeros,
            float[] xSums,
            int sumsOff,
            float[] x,
            int xOff,
            int cols,
            int groupSize) {
        int half = groupSize / 2;
        if (half % L != 0) {
            return ScalarDotKernels.INSTANCE.nibbleRow(
                    packed, pOff, scales, sOff, zeros, xSums, sumsOff, x, xOff, cols, groupSize);
        }
        FloatVector acc = FloatVector.zero(F);
        float correction = 0;
        int groups = cols / groupSize;
        for (int g = 0; g < groups; g++) {
            int xBase = xOff + g * groupSize;
            int pBase = pOff + g * half;
            FloatVector lo = FloatVector.zero(F);
            FloatVector hi = FloatVector.zero(F);
            for (int j = 0; j < half; j += L) {
                ByteVector bytes = ByteVector.fromArray(B, packed, pBase + j);
                lo = lowNibbles(bytes).fma(FloatVector.fromArray(F, x, xBase + j), lo);
                hi = highNibbles(bytes).fma(FloatVector.fromArray(F, x, xBase + half + j), hi);
            }
            float s = scales[sOff + g];
            acc = lo.add(hi).fma(FloatVector.broadcast(F, s), acc);
            correction += s * (zeros == null ? 8 : zeros[sOff + g]) * xSums[sumsOff + g];
        }
        return acc.reduceLanes(VectorOperators.ADD) - correction;
    }

    private static FloatVector lowNibbles(ByteVector bytes) {
        return (FloatVector) bytes.and((byte) 0x0F).convertShape(VectorOperators.B2F, F, 0);
    }

    private static FloatVector highNibbles(ByteVector bytes) {
        return (FloatVector) bytes.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.B2F, F, 0);
    }

    @Override
    public void nibbleRowTile(
            byte[] packed,
            int pOff,
            float[] scales,
            int sOff,
            byte[] zeros,
            float[] xSums,
            int sumsOff,
            int sumsStride,
            float[] x,
            int xOff,
            int xStride,
            int cols,
            int groupSize,
            float[] out,
            int outOff,
            int outStride) {
        int half = groupSize / 2;
        if (half % L != 0) {
            DotKernels.super.nibbleRowTile(
                    packed,
                    pOff,
                    scales,
                    sOff,
                    zeros,
                    xSums,
                    sumsOff,
                    sumsStride,
                    x,
                    xOff,
                    xStride,
                    cols,
                    groupSize,
                    out,
                    outOff,
                    outStride);
            return;
        }
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        float c0 = 0;
        float c1 = 0;
        float c2 = 0;
        float c3 = 0;
        int groups = cols / groupSize;
        for (int g = 0; g < groups; g++) {
            int x0 = xOff + g * groupSize;
            int x1 = x0 + xStride;
            int x2 = x0 + 2 * xStride;
            int x3 = x0 + 3 * xStride;
            int pBase = pOff + g * half;
            FloatVector lo0 = FloatVector.zero(F);
            FloatVector hi0 = FloatVector.zero(F);
            FloatVector lo1 = FloatVector.zero(F);
            FloatVector hi1 = FloatVector.zero(F);
            FloatVector lo2 = FloatVector.zero(F);
            FloatVector hi2 = FloatVector.zero(F);
            FloatVector lo3 = FloatVector.zero(F);
            FloatVector hi3 = FloatVector.zero(F);
            for (int j = 0; j < half; j += L) {
                ByteVector bytes = ByteVector.fromArray(B, packed, pBase + j);
                FloatVector wl = lowNibbles(bytes);
                FloatVector wh = highNibbles(bytes);
                lo0 = wl.fma(FloatVector.fromArray(F, x, x0 + j), lo0);
                hi0 = wh.fma(FloatVector.fromArray(F, x, x0 + half + j), hi0);
                lo1 = wl.fma(FloatVector.fromArray(F, x, x1 + j), lo1);
                hi1 = wh.fma(FloatVector.fromArray(F, x, x1 + half + j), hi1);
                lo2 = wl.fma(FloatVector.fromArray(F, x, x2 + j), lo2);
                hi2 = wh.fma(FloatVector.fromArray(F, x, x2 + half + j), hi2);
                lo3 = wl.fma(FloatVector.fromArray(F, x, x3 + j), lo3);
                hi3 = wh.fma(FloatVector.fromArray(F, x, x3 + half + j), hi3);
            }
            float s = scales[sOff + g];
            FloatVector sv = FloatVector.broadcast(F, s);
            acc0 = lo0.add(hi0).fma(sv, acc0);
            acc1 = lo1.add(hi1).fma(sv, acc1);
            acc2 = lo2.add(hi2).fma(sv, acc2);
            acc3 = lo3.add(hi3).fma(sv, acc3);
            float sz = s * (zeros == null ? 8 : zeros[sOff + g]);
            c0 += sz * xSums[sumsOff + g];
            c1 += sz * xSums[sumsOff + sumsStride + g];
            c2 += sz * xSums[sumsOff + 2 * sumsStride + g];
            c3 += sz * xSums[sumsOff + 3 * sumsStride + g];
        }
        out[outOff] = acc0.reduceLanes(VectorOperators.ADD) - c0;
        out[outOff + outStride] = acc1.reduceLanes(VectorOperators.ADD) - c1;
        out[outOff + 2 * outStride] = acc2.reduceLanes(VectorOperators.ADD) - c2;
        out[outOff + 3 * outStride] = acc3.reduceLanes(VectorOperators.ADD) - c3;
    }

    @Override
    public void weightedSum(
            float[] weights, int count, float[] rows, int rowOff, int rowStride, float[] out, int outOff, int n) {
        // Four output vectors at a time stay in registers across all rows (a head of 64 is one such block on AVX-512).
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int s = 0; s < count; s++) {
                FloatVector w = FloatVector.broadcast(F, weights[s]);
                int base = rowOff + s * rowStride + i;
                a0 = FloatVector.fromArray(F, rows, base).fma(w, a0);
                a1 = FloatVector.fromArray(F, rows, base + L).fma(w, a1);
                a2 = FloatVector.fromArray(F, rows, base + 2 * L).fma(w, a2);
                a3 = FloatVector.fromArray(F, rows, base + 3 * L).fma(w, a3);
            }
            a0.intoArray(out, outOff + i);
            a1.intoArray(out, outOff + i + L);
            a2.intoArray(out, outOff + i + 2 * L);
            a3.intoArray(out, outOff + i + 3 * L);
        }
        for (; i + L <= n; i += L) {
            FloatVector a0 = FloatVector.zero(F);
            for (int s = 0; s < count; s++) {
                a0 = FloatVector.fromArray(F, rows, rowOff + s * rowStride + i)
                        .fma(FloatVector.broadcast(F, weights[s]), a0);
            }
            a0.intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float acc = 0;
            for (int s = 0; s < count; s++) {
                acc += weights[s] * rows[rowOff + s * rowStride + i];
            }
            out[outOff + i] = acc;
        }
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
