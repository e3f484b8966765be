package io.quantwatch.connectors.engine;

import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.engine.model.LlamaModel;
import java.nio.file.Path;

/** Builds engine-backed pipeline pairs: the GGUF reference and a recipe applied to it, both from the per-JVM {@link ModelCache}. */
public final class EnginePipelines {
    private EnginePipelines() {}

    /** The pair for one candidate recipe ({@code reference} for an identical A/A control). */
    public static ShadowPipelines pair(Path referenceGguf, String recipe, int threads) {
        LlamaModel reference = ModelCache.reference(referenceGguf);
        return new EngineShadowPair(
                reference,
                ModelCache.candidate(referenceGguf, recipe),
                threads,
                reference.config().contextLength());
    }
}
