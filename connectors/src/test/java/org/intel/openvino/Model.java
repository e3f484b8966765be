package org.intel.openvino;

import io.quantwatch.connectors.openvino.OpenVinoRuntime;

/** Test double of the Java bindings' {@code Model}. */
public class Model {
    final OpenVinoRuntime.Model handle;

    Model(OpenVinoRuntime.Model handle) {
        this.handle = handle;
    }
}
