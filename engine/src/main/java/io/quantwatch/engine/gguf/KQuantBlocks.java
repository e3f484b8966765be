package io.quantwatch.engine.gguf;

import io.quantwatch.engine.tensor.HalfFloat;
import java.nio.ByteBuffer;

/**
 * llama.cpp's K-quant super-blocks (Q4_K, Q5_K, Q6_K; 256 values each): decoding to floats exactly as ggml's
 * {@code dequantize_row_q*_K} does, and a straightforward encoder for the writer. The encoder picks sub-block scales
 * from each sub-block's range (no search for the error-minimising scale as llama.cpp's quantizer does): its blocks
 * are valid and decode identically everywhere, they are just not the blocks llama.cpp would have chosen.
 */
public final class KQuantBlocks {
    /** Values per super-block. */
    public static final int QK_K = 256;

    private KQuantBlocks() {}

    /**
     * Decodes {@code n} values (whole super-blocks) of {@code type} starting at byte {@code off} of {@code data} into
     * {@code dst} from {@code dstOff}.
     */
    public static void decode(GgmlType type, ByteBuffer data, int off, float[] dst, int dstOff, int n) {
        int blocks = n / QK_K;
        int size = type.bytesPerBlock();
        for (int b = 0; b < blocks; b++) {
            int at = off + b * size;
            int y = dstOff + b * QK_K;
            switch (type) {
                case Q4_K -> decodeQ4K(data, at, dst, y, false);
                case Q5_K -> decodeQ4K(data, at, dst, y, true);
                case Q6_K -> decodeQ6K(data, at, dst, y);
                default -> throw new IllegalArgumentException(type + " is not a K-quant");
            }
        }
    }

    /** Q4_K, or Q5_K when {@code fifthBit}: d, dmin, scales[12], (qh[32],) qs[128]. */
    private static void decodeQ4K(ByteBuffer data, int at, float[] dst, int y, boolean fifthBit) {
        float d = HalfFloat.toFloat(data.getShort(at));
        float min = HalfFloat.toFloat(data.getShort(at + 2));
        int scales = at + 4;
        int qh = at + 16;
        int qs = fifthBit ? at + 48 : at + 16;
        for (int chunk = 0; chunk < 4; chunk++) {
            int j = 2 * chunk;
            float d1 = d * scale(data, scales, j);
            float m1 = min * mins(data, scales, j);
            float d2 = d * scale(data, scales, j + 1);
            float m2 = min * mins(data, scales, j + 1);
            int q = qs + 32 * chunk;
            for (int l = 0; l < 32; l++) {
                int b = data.get(q + l) & 0xFF;
                int h = fifthBit ? data.get(qh + l) & 0xFF : 0;
                int lo = (b & 0xF) + (fifthBit && (h & (1 << j)) != 0 ? 16 : 0);
                int hi = (b >>> 4) + (fifthBit && (h & (2 << j)) != 0 ? 16 : 0);
                dst[y + 64 * chunk + l] = d1 * lo - m1;
                dst[y + 64 * chunk + 32 + l] = d2 * hi - m2;
            }
        }
    }

    /** ggml's get_scale_min_k4, the scale half: sub-block j's 6-bit scale. */
    private static int scale(ByteBuffer data, int scales, int j) {
        if (j < 4) {
            return data.get(scales + j) & 63;
        }
        return (data.get(scales + j + 4) & 0xF) | (((data.get(scales + j - 4) & 0xFF) >>> 6) << 4);
    }

    /** ggml's get_scale_min_k4, the min half: sub-block j's 6-bit min. */
    private static int mins(ByteBuffer data, int scales, int j) {
        if (j < 4) {
            return data.get(scales + j + 4) & 63;
        }
        return ((data.get(scales + j + 4) & 0xFF) >>> 4) | (((data.get(scales + j) & 0xFF) >>> 6) << 4);
    }

    /** Q6_K: ql[128], qh[64], scales[16] (signed), d. */
    private static void decodeQ6K(ByteBuffer data, int at, float[] dst, int y) {
        float d = HalfFloat.toFloat(data.getShort(at + 208));
        for (int half = 0; half < 2; half++) {
            int ql = at + 64 * half;
            int qh = at + 128 + 32 * half;
            int sc = at + 192 + 8 * half;
            int out = y + 128 * half;
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int a = data.get(ql + l) & 0xFF;
                int b = data.get(ql + l + 32) & 0xFF;
                int h = data.get(qh + l) & 0xFF;
                int q1 = ((a & 0xF) | ((h & 3) << 4)) - 32;
                int q2 = ((b & 0xF) | (((h >>> 2) & 3) << 4)) - 32;
                int q3 = ((a >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                int q4 = ((b >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                dst[out + l] = d * data.get(sc + is) * q1;
                dst[out + l + 32] = d * data.get(sc + is + 2) * q2;
                dst[out + l + 64] = d * data.get(sc + is + 4) * q3;
                dst[out + l + 96] = d * data.get(sc + is + 6) * q4;
            }
        }
    }

    /** Encodes whole super-blocks of {@code values} into {@code out} (see the class comment on the choice of scales). */
    public static void encode(GgmlType type, float[] values, ByteBuffer out) {
        for (int b = 0; b < values.length; b += QK_K) {
            switch (type) {
                case Q4_K -> encodeQ4K(values, b, out, false);
                case Q5_K -> encodeQ4K(values, b, out, true);
                case Q6_K -> encodeQ6K(values, b, out);
                default -> throw new IllegalArgumentException(type + " is not a K-quant");
            }
        }
    }

    private static void encodeQ4K(float[] x, int base, ByteBuffer out, boolean fifthBit) {
        int levels = fifthBit ? 31 : 15;
        float[] scales = new float[8];
        float[] mins = new float[8];
        for (int j = 0; j < 8; j++) {
            float lo = 0; // a sub-block's minimum is at most 0: the format subtracts non-negative mins
            float hi = 0;
            for (int l = 0; l < 32; l++) {
                float v = x[base + 32 * j + l];
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            scales[j] = (hi - lo) / levels;
            mins[j] = -lo;
        }
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            maxScale = Math.max(maxScale, scales[j]);
            maxMin = Math.max(maxMin, mins[j]);
        }
        short dh = HalfFloat.fromFloat(maxScale / 63);
        short mh = HalfFloat.fromFloat(maxMin / 63);
        float d = HalfFloat.toFloat(dh);
        float dmin = HalfFloat.toFloat(mh);
        int[] sc = new int[8];
        int[] m = new int[8];
        for (int j = 0; j < 8; j++) {
            sc[j] = d == 0 ? 0 : Math.min(63, Math.round(scales[j] / d));
            m[j] = dmin == 0 ? 0 : Math.min(63, Math.round(mins[j] / dmin));
        }
        byte[] packed = new byte[12];
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                packed[j] |= (byte) sc[j];
                packed[j + 4] |= (byte) m[j];
            } else {
                packed[j + 4] = (byte) ((sc[j] & 0xF) | ((m[j] & 0xF) << 4));
                packed[j - 4] |= (byte) ((sc[j] >>> 4) << 6);
                packed[j] |= (byte) ((m[j] >>> 4) << 6);
            }
        }
        int[] q = new int[QK_K];
        for (int j = 0; j < 8; j++) {
            float step = d * sc[j];
            float offset = dmin * m[j];
            for (int l = 0; l < 32; l++) {
                int i = 32 * j + l;
                int v = step == 0 ? 0 : Math.round((x[base + i] + offset) / step);
                q[i] = Math.max(0, Math.min(levels, v));
            }
        }
        out.putShort(dh);
        out.putShort(mh);
        out.put(packed);
        if (fifthBit) {
            byte[] qh = new byte[32];
            for (int chunk = 0; chunk < 4; chunk++) {
                for (int l = 0; l < 32; l++) {
                    qh[l] |= (byte) (((q[64 * chunk + l] >>> 4) & 1) << (2 * chunk));
                    qh[l] |= (byte) (((q[64 * chunk + 32 + l] >>> 4) & 1) << (2 * chunk + 1));
                }
            }
            out.put(qh);
        }
        for (int chunk = 0; chunk < 4; chunk++) {
            for (int l = 0; l < 32; l++) {
                out.put((byte) ((q[64 * chunk + l] & 0xF) | ((q[64 * chunk + 32 + l] & 0xF) << 4)));
            }
        }
    }

    private static void encodeQ6K(float[] x, int base, ByteBuffer out) {
        float[] scales = new float[16];
        float maxAbsScale = 0;
        for (int s = 0; s < 16; s++) {
            float amax = 0;
            for (int l = 0; l < 16; l++) {
                amax = Math.max(amax, Math.abs(x[base + 16 * s + l]));
            }
            scales[s] = amax / 31;
            maxAbsScale = Math.max(maxAbsScale, scales[s]);
        }
        short dh = HalfFloat.fromFloat(maxAbsScale / 127);
        float d = HalfFloat.toFloat(dh);
        byte[] sc = new byte[16];
        int[] q = new int[QK_K];
        for (int s = 0; s < 16; s++) {
            sc[s] = (byte) (d == 0 ? 0 : Math.min(127, Math.round(scales[s] / d)));
            float step = d * sc[s];
            for (int l = 0; l < 16; l++) {
                int i = 16 * s + l;
                int v = step == 0 ? 0 : Math.round(x[base + i] / step);
                q[i] = Math.max(-32, Math.min(31, v)) + 32;
            }
        }
        byte[] ql = new byte[128];
        byte[] qh = new byte[64];
        for (int half = 0; half < 2; half++) {
            for (int l = 0; l < 32; l++) {
                int q1 = q[128 * half + l];
                int q2 = q[128 * half + l + 32];
                int q3 = q[128 * half + l + 64];
                int q4 = q[128 * half + l + 96];
                ql[64 * half + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                ql[64 * half + l + 32] = (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4));
                qh[32 * half + l] = (byte) ((q1 >>> 4) | ((q2 >>> 4) << 2) | ((q3 >>> 4) << 4) | ((q4 >>> 4) << 6));
            }
        }
        out.put(ql);
        out.put(qh);
        out.put(sc);
        out.putShort(dh);
    }
}
