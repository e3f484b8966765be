package io.quantwatch.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.engine.EngineShadowPair;
import io.quantwatch.connectors.engine.ReferenceLogits;
import io.quantwatch.detectors.CandidateAnswer;
import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.FinishReason;
import io.quantwatch.detectors.RequestContext;
import io.quantwatch.detectors.ShadowComparison;
import io.quantwatch.detectors.ShadowMetrics;
import io.quantwatch.detectors.TeacherForcedScores;
import io.quantwatch.engine.model.InferenceSession;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.quant.QuantRecipe;
import io.quantwatch.engine.quant.RecipeApplier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On the bundled model, the default prompts and the four default candidates, a candidate decoded by verifying the
 * reference's answer yields exactly the shadow record of decoding it on its own: same answer, same top-k, same
 * teacher-forced scores, same metrics; also when it reads the reference's logits kept by the reference's decode.
 */
class VerifiedCandidatesTest {

    @Test
    void shadowRecordsAreIdenticalWithAndWithoutVerification() {
        Path root = Path.of(System.getProperty("quantwatch.root", ".."))
                .toAbsolutePath()
                .normalize();
        LlamaModel reference = LlamaModel.load(root.resolve("models/quantwatch-demo-f16.gguf"));
        List<EvaluationPrompt> all = EvaluationPrompt.read(root.resolve("prompts/default.jsonl"));
        List<EvaluationPrompt> prompts = new ArrayList<>();
        for (String task : List.of("tool_call", "constrained_reply", "translation", "long_continuation")) {
            prompts.addAll(
                    all.stream().filter(p -> p.task().equals(task)).limit(4).toList());
        }
        ShadowComparison comparison = new ShadowComparison();
        Map<FinishReason, Integer> finishes = new EnumMap<>(FinishReason.class);
        int identical = 0;
        int compared = 0;
        for (String recipe : List.of("int8 sym", "int4 sym group=128", "int4 sym group=-1", "nf4")) {
            LlamaModel candidate =
                    RecipeApplier.apply(reference, QuantRecipe.parse(recipe)).model();
            int context = reference.config().contextLength();
            ReferenceLogits shared = new ReferenceLogits();
            try (EngineShadowPair verified = new EngineShadowPair(reference, candidate, 1, context, true);
                    EngineShadowPair alone = new EngineShadowPair(reference, candidate, 1, context, false);
                    EngineShadowPair sharing = new EngineShadowPair(
                            reference, candidate, 1, context, true, InferenceSession.DEFAULT_BLOCK, shared)) {
                for (EvaluationPrompt p : prompts) {
                    int[] tokens = verified.encodePrompt(p.prompt());
                    int maxTokens = Math.min(p.maxTokensOr(128), context - tokens.length - 1);
                    // The reference decode keeps its logits for the pairs sharing them.
                    DecodeOutput ref = sharing.generateReference(tokens, maxTokens, List.of());
                    assertThat(shared.rowsOf(ref)).hasSizeGreaterThanOrEqualTo(ref.tokens().length);
                    String label = recipe + " / " + p.id();
                    CandidateAnswer a = verified.answerAndCompare(tokens, ref, maxTokens, List.of(), () -> {});
                    CandidateAnswer b = alone.answerAndCompare(tokens, ref, maxTokens, List.of(), () -> {});
                    CandidateAnswer c = sharing.answerAndCompare(tokens, ref, maxTokens, List.of(), () -> {});
                    assertSameAnswer(label + " (reference logits shared)", c, b);
                    assertThat(a.answer().tokens())
                            .as(label)
                            .containsExactly(b.answer().tokens());
                    assertThat(a.answer().text()).as(label).isEqualTo(b.answer().text());
                    assertThat(a.answer().finish())
                            .as(label)
                            .isEqualTo(b.answer().finish());
                    assertThat(a.answer().topK())
                            .as(label)
                            .hasSameSizeAs(b.answer().topK());
                    for (int i = 0; i < b.answer().topK().size(); i++) {
                        assertThat(a.answer().topK().get(i))
                                .as("%s top-k %d", label, i)
                                .containsExactly(b.answer().topK().get(i));
                    }
                    assertSameScores(label, a.forced(), b.forced());
                    RequestContext request = new RequestContext(p.jsonRequested(), p.jsonSchemaText(), p.sentences());
                    ShadowMetrics ma = comparison.compare(request, ref, a.answer(), a.forced());
                    ShadowMetrics mb = comparison.compare(request, ref, b.answer(), b.forced());
                    assertThat(ma).as(label).isEqualTo(mb);
                    finishes.merge(b.answer().finish(), 1, Integer::sum);
                    identical += ma.divergence().identical() ? 1 : 0;
                    compared++;
                }
            }
        }
        // Both paths of the verified decode are exercised: whole answers read off the pass, and answers decoded on.
        assertThat(identical).isBetween(1, compared - 1);
        assertThat(finishes).containsKeys(FinishReason.EOS, FinishReason.MAX_TOKENS);
    }

    private static void assertSameAnswer(String label, CandidateAnswer a, CandidateAnswer b) {
        assertThat(a.answer().tokens()).as(label).containsExactly(b.answer().tokens());
        assertThat(a.answer().finish()).as(label).isEqualTo(b.answer().finish());
        assertThat(a.answer().topK()).as(label).hasSameSizeAs(b.answer().topK());
        for (int i = 0; i < b.answer().topK().size(); i++) {
            assertThat(a.answer().topK().get(i))
                    .as("%s top-k %d", label, i)
                    .containsExactly(b.answer().topK().get(i));
        }
        assertSameScores(label, a.forced(), b.forced());
    }

    private static void assertSameScores(String label, TeacherForcedScores a, TeacherForcedScores b) {
        assertThat(a.kl()).as(label).containsExactly(b.kl());
        assertThat(a.sameTop1()).as(label).containsExactly(b.sameTop1());
        assertThat(a.deltaP()).as(label).containsExactly(b.deltaP());
        assertThat(a.referenceLogprob()).as(label).containsExactly(b.referenceLogprob());
        assertThat(a.candidateLogprob()).as(label).containsExactly(b.candidateLogprob());
        assertThat(a.candidateTopIds()).as(label).isDeepEqualTo(b.candidateTopIds());
    }
}
