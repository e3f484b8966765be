package io.quantwatch.connectors.engine;

import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.quant.CandidateModels;
import io.quantwatch.engine.quant.QuantRecipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-JVM model cache: every shadow subtask in a task manager shares one immutable copy of the
 * reference and of each quantized variant, loaded on first use. One of three per-JVM caches, with
 * OpenVinoPipelines' runtimes and compiled models and JvmMeterRegistry's endpoint: models are immutable
 * and not evicted while the job runs (its model set is fixed); {@link #clear()} runs when the job's classloader goes.
 */
public final class ModelCache {
    private static final Map<String, LlamaModel> MODELS = new ConcurrentHashMap<>();

    private ModelCache() {}

    /** The reference model at {@code gguf}, memory-mapped once per JVM. */
    public static LlamaModel reference(Path gguf) {
        Path file = gguf.toAbsolutePath().normalize();
        return MODELS.computeIfAbsent(file + "|reference", k -> {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("reference model file not found: " + file
                        + " (set reference.model to a GGUF file; the bundled one is models/quantwatch-demo-f16.gguf)");
            }
            return LlamaModel.load(file);
        });
    }

    /**
     * The candidate {@code recipe} names ({@link CandidateModels}): the reference quantized with a recipe
     * (optimum-cli syntax), a {@code file:} GGUF of the same model, or the reference itself for {@code reference}.
     */
    public static LlamaModel candidate(Path gguf, String recipe) {
        LlamaModel reference = reference(gguf);
        if (isReference(recipe)) {
            return reference;
        }
        String key = CandidateModels.isFile(recipe)
                ? "file:" + CandidateModels.file(recipe).toAbsolutePath().normalize()
                : QuantRecipe.parse(recipe).toString();
        return MODELS.computeIfAbsent(
                gguf.toAbsolutePath().normalize() + "|" + key, k -> CandidateModels.build(reference, recipe));
    }

    /** Forgets every model (the job's classloader is being released): the mapped files go with the last reference. */
    public static void clear() {
        MODELS.clear();
    }

    public static boolean isReference(String recipe) {
        return CandidateModels.isReference(recipe);
    }
}
