package io.quantwatch.connectors.shadow;

import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.RequestContext;
import io.quantwatch.detectors.ShadowComparison;
import io.quantwatch.detectors.ShadowMetrics;
import io.quantwatch.detectors.TeacherForcedScores;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ResponseFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Shadows one prompt through every configured candidate, whatever its backend: each reference
 * decodes once per prompt (pairs sharing a reference share its output), each candidate decodes
 * greedily and is teacher-forced on the reference's tokens, and the detectors compare the two.
 * One runner per shadow subtask.
 */
public final class ShadowRunner implements AutoCloseable {
    private final Map<String, ShadowPipelines> pairs;
    private final ShadowComparison comparison = new ShadowComparison();
    private final int maxTokensCap;

    /**
     * @param pairs        candidate name → its pipelines, in report order
     * @param maxTokensCap the most tokens any request may generate here, whatever it asks for
     */
    public ShadowRunner(Map<String, ShadowPipelines> pairs, int maxTokensCap) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no candidates: configure at least one under 'candidates'");
        }
        this.pairs = new LinkedHashMap<>(pairs);
        this.maxTokensCap = maxTokensCap;
    }

    public ShadowOutcome shadow(PromptEvent prompt) {
        RequestContext request = new RequestContext(prompt.getResponseFormat() == ResponseFormat.JSON || prompt.getJsonSchema() != null,
                prompt.getJsonSchema(), prompt.getSentences());
        Map<String, DecodeOutput> references = new HashMap<>();
        Map<String, int[]> encoded = new HashMap<>();
        List<ShadowOutcome.CandidateResult> results = new ArrayList<>(pairs.size());
        List<ShadowOutcome.Skipped> skipped = new ArrayList<>();
        for (Map.Entry<String, ShadowPipelines> e : pairs.entrySet()) {
            ShadowPipelines pair = e.getValue();
            int[] tokens = encoded.computeIfAbsent(pair.referenceKey(), k -> pair.encodePrompt(prompt.getPrompt()));
            int context = pair.contextLength();
            int maxTokens = Math.min(Math.min(prompt.getMaxTokens(), maxTokensCap), context - tokens.length);
            if (maxTokens < 1) {
                // The reference cannot take it either: nothing can be compared, the record is a dead letter.
                return new ShadowOutcome.Rejected("prompt is " + tokens.length + " tokens; the reference model's context is " + context
                        + " tokens: shorten the prompt or shadow with a longer-context model", "PROMPT_TOO_LONG");
            }
            Optional<String> refusal = pair.cannotTake(tokens, maxTokens);
            if (refusal.isPresent()) {
                skipped.add(new ShadowOutcome.Skipped(e.getKey(), refusal.get()));
                continue;
            }
            DecodeOutput ref = references.computeIfAbsent(pair.referenceKey(), k -> pair.generateReference(tokens, maxTokens, prompt.getStop()));
            DecodeOutput cand = pair.generateCandidate(tokens, maxTokens, prompt.getStop());
            TeacherForcedScores forced = pair.teacherForce(tokens, ref.tokens());
            ShadowMetrics m = comparison.compare(request, ref, cand, forced);
            results.add(new ShadowOutcome.CandidateResult(e.getKey(), m, ref.finish(), cand.finish(), ref.text(), cand.text()));
        }
        return new ShadowOutcome.Compared(results, skipped);
    }

    @Override
    public void close() {
        pairs.values().forEach(ShadowPipelines::close);
    }
}
