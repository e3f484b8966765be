package io.quantwatch.engine.tensor;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.gguf.KQuantBlocks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A llama.cpp K-quant matrix (Q4_K, Q5_K, Q6_K) read in place from the mapped file: each row's super-blocks are
 * decoded to floats once per product and reduced by the float kernels against every input, so one token and a block
 * of them get the same sums.
 */
public final class KQuantWeights extends ShapedWeights {
    private final ByteBuffer data;
    private final GgmlType type;
    private final int rowBytes;

    /** @param data rows × cols values of {@code type}, rows one after another (e.g. the tensor's mapping) */
    public KQuantWeights(ByteBuffer data, GgmlType type, int rows, int cols, DotKernels kernels) {
        super(rows, cols, kernels);
        if (cols % KQuantBlocks.QK_K != 0) {
            throw new IllegalArgumentException(
                    type + " rows hold whole super-blocks of " + KQuantBlocks.QK_K + " values; a row has " + cols);
        }
        this.rowBytes = (int) type.bytesFor(cols);
        if (data.capacity() != (long) rowBytes * rows) {
            throw new IllegalArgumentException(type + " matrix " + rows + "x" + cols + " needs "
                    + (long) rowBytes * rows + " bytes, got " + data.capacity());
        }
        this.data = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.type = type;
    }

    @Override
    public void matvec(float[] x, float[] out, int from, int to) {
        matmul(x, 1, out, from, to);
    }

    @Override
    public void matmul(float[] x, int tokens, float[] out, int from, int to) {
        float[] row = new float[cols];
        for (int r = from; r < to; r++) {
            dequantizeRow(r, row, 0);
            int t = 0;
            for (; t + DotKernels.TILE <= tokens; t += DotKernels.TILE) {
                kernels.f32Tile(row, 0, x, t * cols, cols, cols, out, t * rows + r, rows);
            }
            for (; t < tokens; t++) {
                out[t * rows + r] = kernels.f32(row, 0, x, t * cols, cols);
            }
        }
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        KQuantBlocks.decode(type, data, row * rowBytes, dst, dstOff, cols);
    }

    @Override
    public long storageBytes() {
        return (long) rowBytes * rows;
    }

    @Override
    public String format() {
        return type.name();
    }
}
