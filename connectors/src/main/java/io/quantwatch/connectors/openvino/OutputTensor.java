package io.quantwatch.connectors.openvino;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * An f32 output tensor of an infer request, read row by row without copying it whole. Its element type, rank and every
 * row asked for are checked before native memory is touched: an f16 or sliced logits output is an error that says so,
 * never a read past the tensor.
 */
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
        com.sun.jna.ptr.IntByReference type = new com.sun.jna.ptr.IntByReference();
        rt.check(rt.c().ov_tensor_get_element_type(handle, type), "ov_tensor_get_element_type");
        if (type.getValue() != OpenVinoC.F32 || shape.length < 2) {
            close();
            throw new OpenVinoUnavailableException("the logits output is " + elementName(type.getValue()) + " of shape "
                    + java.util.Arrays.toString(shape) + "; the monitor reads f32 logits of rank >= 2 ([batch,]"
                    + " positions, vocabulary): compile with INFERENCE_PRECISION_HINT=f32 or export f32 logits");
        }
        PointerByReference out = new PointerByReference();
        rt.check(rt.c().ov_tensor_data(handle, out), "ov_tensor_data");
        data = out.getValue();
    }

    /** The C API's {@code ov_element_type_e} names, in its order. */
    private static String elementName(int type) {
        String[] names = {
            "undefined",
            "dynamic",
            "boolean",
            "bf16",
            "f16",
            "f32",
            "f64",
            "i4",
            "i8",
            "i16",
            "i32",
            "i64",
            "u1",
            "u2",
            "u3",
            "u4",
            "u6",
            "u8",
            "u16",
            "u32",
            "u64",
            "nf4",
            "f8e4m3",
            "f8e5m2",
            "string"
        };
        return type >= 0 && type < names.length ? names[type] : "element type " + type;
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
        int width = vocab();
        if (row < 0 || row >= rows()) {
            throw new OpenVinoUnavailableException("logits row " + row + " asked of an output with " + rows()
                    + " rows (shape " + java.util.Arrays.toString(shape) + "): the model returns logits of fewer"
                    + " positions than it was fed (sliced to the last position?); the monitor needs every fed"
                    + " position's logits: export or compile the model without slicing its logits");
        }
        if (into.length < width) {
            throw new IllegalArgumentException("a row of " + width + " logits does not fit " + into.length + " floats");
        }
        data.read((long) row * width * Float.BYTES, into, 0, width);
        return into;
    }
}
