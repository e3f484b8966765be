package io.quantwatch.connectors.llamacpp;

import io.quantwatch.llamacpp.LlamaCppModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-JVM cache of GGUF files loaded by llama.cpp: every shadow subtask of a task manager shares one memory-mapped
 * copy of each candidate's weights (contexts stay per subtask). One of the documented per-JVM caches beside the
 * engine's {@code ModelCache}; {@link #clear()} frees the native models when the job's classloader goes.
 */
public final class LlamaCppModels {
    private static final Map<Path, LlamaCppModel> MODELS = new ConcurrentHashMap<>();

    private LlamaCppModels() {}

    /** The model at {@code gguf}, loaded on first use. */
    public static LlamaCppModel get(Path gguf) {
        return MODELS.computeIfAbsent(gguf.toAbsolutePath().normalize(), LlamaCppModel::load);
    }

    /** Frees every model; contexts made from them must be closed first. */
    public static void clear() {
        MODELS.values().forEach(LlamaCppModel::close);
        MODELS.clear();
    }
}
