package org.intel.openvino;

/** Test double of the Java bindings' {@code Tensor}: host data with a shape. */
public class Tensor {
    private final int[] dims;
    final long[] longs;
    final int[] ints;
    private final float[] floats;

    public Tensor(int[] dims, long[] data) {
        this(dims, data, null, null);
    }

    public Tensor(int[] dims, int[] data) {
        this(dims, null, data, null);
    }

    public Tensor(int[] dims, float[] data) {
        this(dims, null, null, data);
    }

    private Tensor(int[] dims, long[] longs, int[] ints, float[] floats) {
        this.dims = dims.clone();
        this.longs = longs;
        this.ints = ints;
        this.floats = floats;
    }

    public int[] get_shape() {
        return dims.clone();
    }

    public float[] data() {
        return floats;
    }
}
