package org.intel.openvino;

import io.quantwatch.connectors.openvino.OpenVinoRuntime;
import io.quantwatch.connectors.openvino.StubOpenVino;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test double of the openvino_contrib Java bindings' {@code Core} (same public signatures), running
 * on the C test library through QuantWatch's own C binding, so the Java-bindings adapter is exercised
 * against the same toy LLM as the C API path. Excluded from the test jar.
 */
public class Core {
    private static final OpenVinoRuntime RUNTIME = OpenVinoRuntime.load(StubOpenVino.library());

    private final OpenVinoRuntime.Core core = RUNTIME.newCore();
    private final Map<String, Map<String, String>> properties = new HashMap<>();

    public static void loadNativeLibs() {
        // The double has no native library of its own.
    }

    public Model read_model(String modelPath) {
        return new Model(core.readModel(Path.of(modelPath)));
    }

    public void set_property(String device, Map<String, String> prop) {
        properties.computeIfAbsent(device, d -> new LinkedHashMap<>()).putAll(prop);
    }

    public CompiledModel compile_model(Model model, String device) {
        return new CompiledModel(core.compile(model.handle, device, properties.getOrDefault(device, Map.of())));
    }
}
