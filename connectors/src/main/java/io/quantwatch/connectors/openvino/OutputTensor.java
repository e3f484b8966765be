package io.quantwatch.connectors.openvino;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/** An f32 output tensor of an infer request, read row by row without copying it whole. */
public final class OutputTensor extends NativeObject implements CompiledLlm.Logits {
    private final long[] shape;
    private final Pointer data;

    OutputTensor(OpenVinoRuntime rt, Pointer handle) {
        super(rt, handle, "tensor", OpenVinoC::ov_tensor_free);
        OpenVinoC.Shape s = new OpenVinoC.Shape();
        try {
            rt.check(rt.c().ov_tensor_get_shape(handle, s), "ov_tensor_get_shape");
            s.read();
            shape = s.dims.getLongArray(0, (int) s.rank);
        } catch (RuntimeException e) {
            rt.c().ov_tensor_free(handle);
            throw e;
        } finally {
            if (s.dims != null) {
                rt.c().ov_shape_free(s);
            }
        }
        PointerByReference out = new PointerByReference();
        rt.check(rt.c().ov_tensor_data(handle, out), "ov_tensor_data");
        data = out.getValue();
    }

    public long[] shape() {
        return shape.clone();
    }

    @Override
    public int rows() {
        return (int) shape[shape.length - 2];
    }

    @Override
    public int vocab() {
        return (int) shape[shape.length - 1];
    }

    /** Row {@code row} of the last dimension (e.g. one position's logits) into {@code into}. */
    @Override
    public float[] row(int row, float[] into) {
        handle(); // fails once closed
        int width = (int) shape[shape.length - 1];
        data.read((long) row * width * Float.BYTES, into, 0, width);
        return into;
    }
}
