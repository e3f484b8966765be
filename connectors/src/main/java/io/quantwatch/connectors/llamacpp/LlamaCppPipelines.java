package io.quantwatch.connectors.llamacpp;

import io.quantwatch.connectors.engine.EngineShadowPair;
import io.quantwatch.connectors.engine.ModelCache;
import io.quantwatch.connectors.engine.ReferenceLogits;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.engine.gguf.GgufFile;
import io.quantwatch.engine.model.InferenceSession;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.quant.CandidateModels;
import io.quantwatch.engine.tokenizer.GgufTokenizers;
import io.quantwatch.engine.tokenizer.Vocabulary;
import io.quantwatch.llamacpp.LlamaCppContext;
import io.quantwatch.llamacpp.LlamaCppModel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds pairs whose candidate is a GGUF run by the bundled llama.cpp ({@code backend: llama.cpp}): the file a team
 * serves (Q4_K_M, Q5_K_M, Q8_0, IQ4…) computed by the same library their server runs, against the engine's reference.
 * {@code recipe: file:PATH} names the candidate; {@code recipe: reference} runs the reference GGUF itself in llama.cpp
 * (the A/A floor between the two runtimes' kernels).
 */
public final class LlamaCppPipelines {

    /** How llama.cpp contexts are made ({@code llama-cpp.*}): threads, F32 or F16 KV cache, flash attention. */
    public record Settings(int threads, boolean f32Cache, boolean flashAttention) {
        public Settings {
            if (threads < 1) {
                throw new IllegalArgumentException("llama-cpp.threads must be >= 1, got " + threads);
            }
        }
    }

    private LlamaCppPipelines() {}

    /** The GGUF a recipe names for this backend. */
    public static Path candidateFile(Path referenceGguf, String recipe) {
        if (ModelCache.isReference(recipe)) {
            return referenceGguf;
        }
        if (!CandidateModels.isFile(recipe)) {
            throw new IllegalArgumentException("a llama.cpp candidate runs a GGUF file: set recipe to 'file:<path>' (or"
                    + " 'reference' for the reference itself), got '" + recipe + "'");
        }
        return CandidateModels.file(recipe);
    }

    /**
     * Checks that the candidate file exists, that llama.cpp loads it, and that its vocabulary is the reference's token
     * for token (a candidate of another model cannot be compared position by position).
     */
    public static void check(Path referenceGguf, String recipe) {
        Path file = candidateFile(referenceGguf, recipe);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file.toAbsolutePath()
                    + " (a llama.cpp candidate is a GGUF on every TaskManager host)");
        }
        requireSameVocabulary(ModelCache.reference(referenceGguf), file);
        LlamaCppModels.get(file);
    }

    /** The pair for one llama.cpp candidate, sessions sized for {@code sessionTokens} (at most the model's context). */
    public static ShadowPipelines pair(
            Path referenceGguf,
            String recipe,
            Settings settings,
            int engineThreads,
            int sessionTokens,
            boolean verifyCandidate,
            ReferenceLogits shared) {
        LlamaModel reference = ModelCache.reference(referenceGguf);
        Path file = candidateFile(referenceGguf, recipe);
        LlamaCppModel model = LlamaCppModels.get(file);
        int positions = Math.min(sessionTokens, reference.config().contextLength());
        LlamaCppContext context = model.newContext(new LlamaCppContext.Settings(
                positions,
                Math.min(positions, InferenceSession.DEFAULT_BLOCK),
                settings.threads(),
                settings.f32Cache(),
                settings.flashAttention()));
        try {
            return new EngineShadowPair(
                    reference,
                    new LlamaCppSession(context, reference.tokenizer()),
                    engineThreads,
                    positions,
                    verifyCandidate,
                    InferenceSession.DEFAULT_BLOCK,
                    shared);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    private static void requireSameVocabulary(LlamaModel reference, Path candidate) {
        Vocabulary ours = reference.tokenizer().vocabulary();
        Vocabulary theirs;
        try (GgufFile file = GgufFile.open(candidate)) {
            theirs = GgufTokenizers.fromGguf(file).vocabulary();
        }
        if (theirs.size() != ours.size()) {
            throw new IllegalArgumentException(candidate + " has " + theirs.size() + " tokens, the reference "
                    + ours.size() + ": a candidate must be a quantization of the reference's model");
        }
        for (int i = 0; i < ours.size(); i++) {
            if (!ours.token(i).equals(theirs.token(i))) {
                throw new IllegalArgumentException(candidate + " has token " + i + " = '" + theirs.token(i)
                        + "' where the reference has '" + ours.token(i)
                        + "': a candidate must be a quantization of the reference's model");
            }
        }
    }
}
