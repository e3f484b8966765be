package io.quantwatch.engine.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** The families the engine computes, by {@code general.architecture}. */
final class Architectures {
    private static final Map<String, Architecture> BY_NAME = new LinkedHashMap<>();

    static {
        for (Architecture a : new Architecture[] {
            new LlamaArchitecture(),
            new Qwen2Architecture(),
            new Qwen3Architecture(),
            new Phi3Architecture(),
            new Gemma2Architecture(),
            new Gemma3Architecture()
        }) {
            BY_NAME.put(a.name(), a);
        }
    }

    private Architectures() {}

    /** The family, or null. */
    static Architecture named(String name) {
        return BY_NAME.get(name);
    }

    static String supported() {
        return String.join(", ", BY_NAME.keySet());
    }
}
