package io.quantwatch.connectors.engine;

import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.RequestContext;
import io.quantwatch.detectors.ShadowComparison;
import io.quantwatch.detectors.ShadowMetrics;
import io.quantwatch.detectors.TeacherForcedScores;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ResponseFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shadows one prompt through the in-JVM reference and every configured candidate: the reference
 * decodes once, each candidate decodes greedily and is teacher-forced on the reference's tokens, and
 * the detectors compare the two. One runner per shadow subtask (sessions are not shared); the models
 * come from the per-JVM {@link ModelCache}.
 */
public final class EngineShadowRunner implements AutoCloseable {
    private final LlamaModel reference;
    private final Map<String, EngineShadowPair> pairs = new LinkedHashMap<>();
    private final ShadowComparison comparison = new ShadowComparison();
    private final int maxTokensCap;

    /**
     * @param candidates candidate name → recipe ({@code reference} for an identical control)
     * @param maxTokensCap the most tokens any request may generate here, whatever it asks for
     */
    public EngineShadowRunner(Path referenceGguf, Map<String, String> candidates, int threads, int maxTokensCap) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no candidates: configure at least one under 'candidates'");
        }
        this.reference = ModelCache.reference(referenceGguf);
        this.maxTokensCap = maxTokensCap;
        int context = reference.config().contextLength();
        candidates.forEach((name, recipe) ->
                pairs.put(name, new EngineShadowPair(reference, ModelCache.candidate(referenceGguf, recipe), threads, context)));
    }

    public ShadowOutcome shadow(PromptEvent prompt) {
        EngineShadowPair first = pairs.values().iterator().next();
        int[] tokens = first.encodePrompt(prompt.getPrompt());
        int context = reference.config().contextLength();
        int maxTokens = Math.min(Math.min(prompt.getMaxTokens(), maxTokensCap), context - tokens.length);
        if (maxTokens < 1) {
            return new ShadowOutcome.Rejected("prompt is " + tokens.length + " tokens; the reference model's context is " + context
                    + " tokens: shorten the prompt or shadow with a longer-context model", "PROMPT_TOO_LONG");
        }
        List<String> stops = prompt.getStop();
        RequestContext request = new RequestContext(prompt.getResponseFormat() == ResponseFormat.JSON || prompt.getJsonSchema() != null,
                prompt.getJsonSchema(), prompt.getSentences());
        DecodeOutput ref = first.generateReference(tokens, maxTokens, stops);
        List<ShadowOutcome.CandidateResult> results = new ArrayList<>(pairs.size());
        for (Map.Entry<String, EngineShadowPair> e : pairs.entrySet()) {
            DecodeOutput cand = e.getValue().generateCandidate(tokens, maxTokens, stops);
            TeacherForcedScores forced = e.getValue().teacherForce(tokens, ref.tokens());
            ShadowMetrics m = comparison.compare(request, ref, cand, forced);
            results.add(new ShadowOutcome.CandidateResult(e.getKey(), m, ref.finish(), cand.finish(), ref.text(), cand.text()));
        }
        return new ShadowOutcome.Compared(results);
    }

    @Override
    public void close() {
        pairs.values().forEach(EngineShadowPair::close);
    }
}
