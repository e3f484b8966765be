package io.quantwatch.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.quantwatch.engine.tensor.HalfFloat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * K-quant super-blocks: a hand-packed block decodes to the values ggml's layout defines (the 6-bit scales of
 * sub-blocks 4–7 split across bytes included), and encoding then decoding stays within each format's step.
 */
class KQuantBlocksTest {

    @Test
    void aHandPackedQ4KBlockDecodesAsGgmlDefinesIt() {
        ByteBuffer b = ByteBuffer.allocate(144).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(HalfFloat.fromFloat(0.5f)); // d
        b.putShort(HalfFloat.fromFloat(0.25f)); // dmin
        // Sub-block 1: scale 3, min 2 (bytes 1 and 5). Sub-block 5: scale 37 = 0b10_0101, min 50 = 0b11_0010:
        // low nibbles in byte 9, high two bits in the top of bytes 1 (scale) and 5 (min).
        byte[] scales = new byte[12];
        scales[1] = (byte) (3 | (0b10 << 6));
        scales[5] = (byte) (2 | (0b11 << 6));
        scales[9] = (byte) (0b0101 | (0b0010 << 4));
        b.put(scales);
        byte[] qs = new byte[128];
        qs[0] = (byte) 0xA7; // value 0 (sub-block 0) = 7, value 32 (sub-block 1) = 10
        qs[64] = (byte) 0x3C; // value 128 (sub-block 4) = 12, value 160 (sub-block 5) = 3
        b.put(qs);
        float[] out = new float[256];
        KQuantBlocks.decode(GgmlType.Q4_K, b, 0, out, 0, 256);
        assertThat(out[0]).isEqualTo(0f); // sub-block 0 has scale 0 and min 0
        assertThat(out[32]).isEqualTo(0.5f * 3 * 10 - 0.25f * 2);
        assertThat(out[128]).isEqualTo(0f);
        assertThat(out[160]).isEqualTo(0.5f * 37 * 3 - 0.25f * 50);
        assertThat(out[161]).isEqualTo(-0.25f * 50);
    }

    @Test
    void aHandPackedQ6KBlockDecodesAsGgmlDefinesIt() {
        ByteBuffer b = ByteBuffer.allocate(210).order(ByteOrder.LITTLE_ENDIAN);
        // Value 0: low nibble 5 (ql[0] low), high bits 2 (qh[0] bits 0-1) → 5 | 2 << 4 = 37 − 32 = 5, scale sc[0].
        // Value 96 (half 0, fourth quarter): ql[32] high nibble 1, qh[0] bits 6-7 = 3 → 1 | 3 << 4 = 49 − 32 = 17,
        // scale sc[6]. Value 128 (half 1): ql[64] low nibble 0, qh[32] bits 0-1 = 0 → −32, scale sc[8].
        b.put(0, (byte) 5);
        b.put(32, (byte) 0x10);
        b.put(128, (byte) (2 | (3 << 6)));
        b.put(192, (byte) 2); // sc[0]
        b.put(198, (byte) -3); // sc[6]
        b.put(200, (byte) 4); // sc[8]
        b.putShort(208, HalfFloat.fromFloat(0.125f));
        float[] out = new float[256];
        KQuantBlocks.decode(GgmlType.Q6_K, b, 0, out, 0, 256);
        assertThat(out[0]).isEqualTo(0.125f * 2 * 5);
        assertThat(out[96]).isEqualTo(0.125f * -3 * 17);
        assertThat(out[128]).isEqualTo(0.125f * 4 * -32);
    }

    @Test
    void encodingThenDecodingStaysWithinAStep() {
        Random rnd = new Random(9);
        float[] x = new float[4 * 256];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian() * (i < 256 ? 0.01f : 1f);
        }
        for (GgmlType t : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            ByteBuffer b = ByteBuffer.allocate((int) t.bytesFor(x.length)).order(ByteOrder.LITTLE_ENDIAN);
            KQuantBlocks.encode(t, x, b);
            assertThat(b.position()).isEqualTo(b.capacity());
            float[] y = new float[x.length];
            KQuantBlocks.decode(t, b, 0, y, 0, x.length);
            int levels = t == GgmlType.Q4_K ? 15 : t == GgmlType.Q5_K ? 31 : 63;
            for (int blk = 0; blk < 4; blk++) {
                float lo = Float.MAX_VALUE;
                float hi = -Float.MAX_VALUE;
                for (int i = 256 * blk; i < 256 * (blk + 1); i++) {
                    lo = Math.min(lo, x[i]);
                    hi = Math.max(hi, x[i]);
                }
                // The coarse 6- or 8-bit sub-block scales cost up to about two steps of the block's range.
                float tolerance = 2.5f * (hi - lo) / levels;
                for (int i = 256 * blk; i < 256 * (blk + 1); i++) {
                    assertThat(y[i]).as("%s value %d", t, i).isCloseTo(x[i], within(tolerance));
                }
            }
        }
    }
}
