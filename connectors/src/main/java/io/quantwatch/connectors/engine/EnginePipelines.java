package io.quantwatch.connectors.engine;

import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.engine.model.InferenceSession;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.quant.CandidateModels;
import java.nio.file.Path;

/** Builds engine-backed pipeline pairs: the GGUF reference and a recipe applied to it, both from the per-JVM {@link ModelCache}. */
public final class EnginePipelines {
    private EnginePipelines() {}

    /**
     * Checks {@code recipe} against the reference's shapes without quantizing anything: a group size that does not
     * fit a tensor is refused naming tensor, shape and recipe (see {@code QuantRecipe.GroupFallback}).
     */
    public static void check(Path referenceGguf, String recipe) {
        CandidateModels.checkRecipe(ModelCache.reference(referenceGguf), recipe);
        if (CandidateModels.isFile(recipe)) {
            ModelCache.candidate(referenceGguf, recipe); // loads it: a file of another model is refused now
        }
    }

    /**
     * The pair for one candidate recipe ({@code reference} for an identical A/A control), its sessions sized for
     * {@code sessionTokens} positions of prompt and answer (at most the model's context); {@code verifyCandidate}
     * and {@code shared} (one per reference, for all its pairs) as in {@link EngineShadowPair}.
     */
    public static ShadowPipelines pair(
            Path referenceGguf,
            String recipe,
            int threads,
            int sessionTokens,
            boolean verifyCandidate,
            ReferenceLogits shared) {
        LlamaModel reference = ModelCache.reference(referenceGguf);
        return new EngineShadowPair(
                reference,
                ModelCache.candidate(referenceGguf, recipe),
                threads,
                // The KV caches hold the longest prompt accepted plus the answer: a 128 k-context model file must not
                // cost gigabytes per session.
                Math.min(sessionTokens, reference.config().contextLength()),
                verifyCandidate,
                InferenceSession.DEFAULT_BLOCK,
                shared);
    }
}
