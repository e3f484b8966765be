package io.quantwatch.engine.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Binary16 weights read in place from a memory-mapped GGUF file: nothing is copied to the heap, so a model loads in
 * the time it takes to map it and its pages are the operating system's (shared, dropped under pressure, read back on
 * demand). Same kernels and sums as {@link F16Weights}, bit for bit.
 */
public final class MappedF16Weights extends TiledWeights {
    private final ByteBuffer data;

    /** @param data rows × cols little-endian binary16 values, e.g. a read-only mapping of the tensor */
    public MappedF16Weights(ByteBuffer data, int rows, int cols, DotKernels kernels) {
        super(rows, cols, kernels);
        if (data.capacity() != 2L * rows * cols) {
            throw new IllegalArgumentException("F16 matrix " + rows + "x" + cols + " needs " + 2L * rows * cols
                    + " bytes, the mapping holds " + data.capacity());
        }
        this.data = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    protected float row(int r, float[] x, int t, float[] sums) {
        return kernels.f16(data, 2 * r * cols, x, t * cols, cols);
    }

    @Override
    protected void tile(int r, float[] x, int t, float[] sums, float[] out) {
        kernels.f16Tile(data, 2 * r * cols, x, t * cols, cols, cols, out, t * rows + r, rows);
    }

    @Override
    protected void tilePair(int r, float[] x, int t, float[] sums, float[] out) {
        kernels.f16TilePair(data, 2 * r * cols, x, t * cols, cols, cols, out, t * rows + r, rows);
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOff) {
        int base = 2 * row * cols;
        for (int i = 0; i < cols; i++) {
            dst[dstOff + i] = HalfFloat.toFloat(data.getShort(base + 2 * i));
        }
    }

    /** The mapped bytes: resident only while the operating system keeps the pages, never on the heap. */
    @Override
    public long storageBytes() {
        return 2L * rows * cols;
    }

    @Override
    public String format() {
        return "F16";
    }
}
