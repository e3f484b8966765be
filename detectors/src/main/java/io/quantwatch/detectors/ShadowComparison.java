package io.quantwatch.detectors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compares a candidate pipeline's answer with the reference's for one prompt and computes every
 * detector. Pure and thread-safe; the same code runs offline ({@code evaluate}) and in the stream.
 */
public final class ShadowComparison {
    private static final int SCHEMA_CACHE_SIZE = 64;

    private final JsonFailureClassifier plainJson = new JsonFailureClassifier();
    /** Compiled schemas by their text: requests usually share a few, and compiling one per prompt would dominate. */
    private final Map<String, JsonFailureClassifier> bySchema =
            Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, JsonFailureClassifier> eldest) {
                    return size() > SCHEMA_CACHE_SIZE;
                }
            });

    /** Tool catalogs by the tools' text, as schemas above. */
    private final Map<String, ToolCallClassifier> byTools =
            Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ToolCallClassifier> eldest) {
                    return size() > SCHEMA_CACHE_SIZE;
                }
            });

    public ShadowMetrics compare(
            RequestContext request, DecodeOutput reference, DecodeOutput candidate, TeacherForcedScores forced) {
        TokenDivergence divergence = TokenDivergence.of(reference.tokens(), candidate.tokens());
        JsonVerdict refJson;
        JsonVerdict candJson;
        if (request.toolsJson() != null) {
            // Tools offered: a call in the family's native form is judged as the JSON it carries.
            ToolCallClassifier tools = byTools.computeIfAbsent(request.toolsJson(), ToolCallClassifier::new);
            refJson = tools.classify(reference.text(), reference.finish() == FinishReason.MAX_TOKENS);
            candJson = tools.classify(candidate.text(), candidate.finish() == FinishReason.MAX_TOKENS);
        } else {
            JsonFailureClassifier classifier = request.jsonSchema() == null
                    ? plainJson
                    : bySchema.computeIfAbsent(request.jsonSchema(), JsonFailureClassifier::new);
            refJson = classifier.classify(reference.text(), reference.finish() == FinishReason.MAX_TOKENS);
            candJson = classifier.classify(candidate.text(), candidate.finish() == FinishReason.MAX_TOKENS);
        }
        // JSON is expected when the request asked for it, or when the reference answered with parseable JSON.
        boolean jsonExpected = request.jsonRequested() || refJson.parseable();
        return new ShadowMetrics(
                divergence,
                divergence.positionalAgreement(reference.tokens(), candidate.tokens()),
                DistributionDrift.of(forced),
                jsonExpected,
                refJson,
                candJson,
                LengthDrift.of(
                        reference.tokens().length, reference.finish(), candidate.tokens().length, candidate.finish()),
                RepetitionDrift.of(reference.tokens(), candidate.tokens(), divergence),
                InstructionSlips.of(reference.text(), candidate.text(), request.requiredSentences()),
                RareTokenLoss.of(reference.tokens(), forced.candidateTopIds()),
                JsonTreeDrift.of(refJson.document(), candJson.document()));
    }
}
