package io.quantwatch.connectors.openvino;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code ov_infer_request_t}: one request and, for a stateful LLM, its KV cache. Input tensors are
 * created over Java-owned memory that this request keeps alive until they are replaced or the
 * request is closed, so OpenVINO never reads freed memory.
 */
public final class InferRequest extends NativeObject {
    private final Map<String, HostTensor> inputs = new HashMap<>();

    InferRequest(OpenVinoRuntime rt, Pointer handle) {
        super(rt, handle, "infer request", OpenVinoC::ov_infer_request_free);
    }

    public void setI64(String name, long[] shape, long[] values) {
        Memory data = new Memory(Math.max(8, 8L * values.length));
        data.write(0, values, 0, values.length);
        set(name, OpenVinoC.I64, shape, data);
    }

    public void setI32(String name, long[] shape, int[] values) {
        Memory data = new Memory(Math.max(4, 4L * values.length));
        data.write(0, values, 0, values.length);
        set(name, OpenVinoC.I32, shape, data);
    }

    private void set(String name, int type, long[] shape, Memory data) {
        Memory dims = new Memory(8L * shape.length);
        dims.write(0, shape, 0, shape.length);
        OpenVinoC.Shape.ByValue s = new OpenVinoC.Shape.ByValue();
        s.rank = shape.length;
        s.dims = dims;
        PointerByReference out = new PointerByReference();
        runtime()
                .check(
                        runtime().c().ov_tensor_create_from_host_ptr(type, s, data, out),
                        "ov_tensor_create_from_host_ptr(" + name + ")");
        HostTensor tensor = new HostTensor(runtime(), out.getValue(), data);
        try {
            runtime()
                    .check(
                            runtime().c().ov_infer_request_set_tensor(handle(), name, tensor.handle()),
                            "ov_infer_request_set_tensor(" + name + ")");
        } catch (RuntimeException e) {
            tensor.close();
            throw e;
        }
        HostTensor previous = inputs.put(name, tensor);
        if (previous != null) {
            previous.close();
        }
    }

    public void infer() {
        runtime().check(runtime().c().ov_infer_request_infer(handle()), "ov_infer_request_infer");
    }

    /** An output tensor (a new wrapper over the request's memory: close it before the next infer). */
    public OutputTensor output(String name) {
        PointerByReference out = new PointerByReference();
        runtime()
                .check(
                        runtime().c().ov_infer_request_get_tensor(handle(), name, out),
                        "ov_infer_request_get_tensor(" + name + ")");
        return new OutputTensor(runtime(), out.getValue());
    }

    @Override
    protected void afterFree() {
        inputs.values().forEach(HostTensor::close);
        inputs.clear();
    }

    /** A tensor over Java memory; the reference keeps the memory reachable while OpenVINO may read it. */
    static final class HostTensor extends NativeObject {
        @SuppressWarnings("unused")
        private final Memory data;

        HostTensor(OpenVinoRuntime rt, Pointer handle, Memory data) {
            super(rt, handle, "tensor", OpenVinoC::ov_tensor_free);
            this.data = data;
        }
    }
}
