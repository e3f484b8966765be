package org.intel.openvino;

import io.quantwatch.connectors.openvino.OpenVinoRuntime;

/** Test double of the Java bindings' {@code CompiledModel}. */
public class CompiledModel {
    private final OpenVinoRuntime.CompiledModel compiled;

    CompiledModel(OpenVinoRuntime.CompiledModel compiled) {
        this.compiled = compiled;
    }

    public InferRequest create_infer_request() {
        return new InferRequest(compiled.newRequest());
    }
}
