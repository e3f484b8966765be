package org.intel.openvino;

import io.quantwatch.connectors.openvino.OutputTensor;
import java.util.Arrays;

/** Test double of the Java bindings' {@code InferRequest} (the newer API, with {@code set_tensor(String, Tensor)}). */
public class InferRequest {
    private final io.quantwatch.connectors.openvino.InferRequest request;

    InferRequest(io.quantwatch.connectors.openvino.InferRequest request) {
        this.request = request;
    }

    public void set_tensor(String tensorName, Tensor tensor) {
        long[] shape = Arrays.stream(tensor.get_shape()).asLongStream().toArray();
        if (tensor.longs != null) {
            request.setI64(tensorName, shape, tensor.longs);
        } else {
            request.setI32(tensorName, shape, tensor.ints);
        }
    }

    public void infer() {
        request.infer();
    }

    public Tensor get_tensor(String tensorName) {
        try (OutputTensor out = request.output(tensorName)) {
            long[] shape = out.shape();
            int rows = (int) shape[1];
            int vocab = (int) shape[2];
            float[] all = new float[rows * vocab];
            float[] row = new float[vocab];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(out.row(r, row), 0, all, r * vocab, vocab);
            }
            return new Tensor(new int[] {1, rows, vocab}, all);
        }
    }

    public void release() {
        request.close();
    }
}
