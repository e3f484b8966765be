package io.quantwatch.engine.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.engine.model.InferenceSession;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.model.TestModels;
import io.quantwatch.engine.quant.QuantRecipe;
import io.quantwatch.engine.quant.RecipeApplier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A candidate decoded by verifying the reference's answer gives exactly the answer (tokens, top-k log-probabilities,
 * finish reason) and the comparison that decoding it on its own and teacher-forcing it separately give: on identical,
 * early-diverging and late-diverging candidates, with budgets longer and shorter than the reference's answer, with
 * stop sequences and an empty reference answer.
 */
class VerifiedDecodeTest {
    static final int TOP_K = 10;
    static LlamaModel reference;
    static Map<String, LlamaModel> candidates = new LinkedHashMap<>();

    @BeforeAll
    static void load() {
        reference = LlamaModel.load(TestModels.smallF32());
        candidates.put("identical (A/A)", reference);
        for (String recipe : List.of("int8 sym", "nf4", "int4 asym group=32", "int4 sym group=-1")) {
            candidates.put(
                    recipe,
                    RecipeApplier.apply(reference, QuantRecipe.parse(recipe)).model());
        }
    }

    @Test
    void theVerifiedAnswerIsTheCandidatesOwnGreedyAnswer() {
        String[] prompts = {"the quick brown fox", "once upon a time", "a", "numbers 1 2 3 and more words"};
        int fullyVerified = 0;
        int diverged = 0;
        for (Map.Entry<String, LlamaModel> c : candidates.entrySet()) {
            try (InferenceSession ref = reference.newSession(1, 256);
                    InferenceSession cand = c.getValue().newSession(2, 256);
                    InferenceSession alone = c.getValue().newSession(1, 256)) {
                PairedScorer scorer = new PairedScorer(ref, cand);
                GreedyDecoder referenceDecoder = new GreedyDecoder(ref, 0);
                GreedyDecoder candidateDecoder = new GreedyDecoder(alone, TOP_K);
                for (String p : prompts) {
                    int[] prompt = reference.tokenizer().encode(p, true);
                    for (int[] budgets : new int[][] {{60, 60}, {12, 40}, {40, 5}, {0, 8}, {50, 0}}) {
                        int[] draft = referenceDecoder
                                .generate(prompt, budgets[0], List.of())
                                .tokens();
                        String label = c.getKey() + " / " + p + " / draft " + budgets[0] + ", budget " + budgets[1];
                        PairedScorer.Verified v = scorer.compareAndDecode(prompt, draft, budgets[1], List.of(), TOP_K);
                        GenerationTrace expected = candidateDecoder.generate(prompt, budgets[1], List.of());
                        assertSameAnswer(label, v.candidate(), expected);
                        assertSameComparison(label, v.comparison(), scorer.compare(prompt, draft, TOP_K));
                        if (v.verifiedTokens() == expected.length() && expected.length() > 0) {
                            fullyVerified++;
                        } else if (expected.length() > v.verifiedTokens()) {
                            diverged++;
                        }
                    }
                }
            }
        }
        assertThat(fullyVerified)
                .as("answers taken whole from the batched pass")
                .isGreaterThan(5);
        assertThat(diverged)
                .as("answers decoded on from a divergence or past the draft")
                .isGreaterThan(5);
    }

    @Test
    void aStopSequenceEndsTheVerifiedAnswerWhereTheCandidateAloneStops() {
        LlamaModel candidate = candidates.get("int8 sym");
        int[] prompt = reference.tokenizer().encode("once upon a time", true);
        try (InferenceSession ref = reference.newSession(1, 256);
                InferenceSession cand = candidate.newSession(1, 256);
                InferenceSession alone = candidate.newSession(1, 256)) {
            GenerationTrace full = new GreedyDecoder(ref, 0).generate(prompt, 30, List.of());
            String text = reference.tokenizer().decode(Arrays.copyOfRange(full.tokens(), 0, 9));
            List<String> stops = List.of(text.substring(text.length() - 3));
            int[] draft = new GreedyDecoder(ref, 0).generate(prompt, 30, stops).tokens();
            PairedScorer.Verified v = new PairedScorer(ref, cand).compareAndDecode(prompt, draft, 30, stops, TOP_K);
            GenerationTrace expected = new GreedyDecoder(alone, TOP_K).generate(prompt, 30, stops);
            assertThat(expected.finishReason()).isEqualTo(FinishReason.STOP_SEQUENCE);
            assertSameAnswer("stop " + stops, v.candidate(), expected);
        }
    }

    static void assertSameAnswer(String label, GenerationTrace actual, GenerationTrace expected) {
        assertThat(actual.tokens()).as("%s: tokens", label).containsExactly(expected.tokens());
        assertThat(actual.finishReason()).as("%s: finish", label).isEqualTo(expected.finishReason());
        assertThat(actual.topK()).as("%s: steps", label).hasSameSizeAs(expected.topK());
        for (int i = 0; i < expected.topK().size(); i++) {
            assertThat(actual.topK().get(i))
                    .as("%s: top-k at step %d", label, i)
                    .containsExactly(expected.topK().get(i));
        }
    }

    static void assertSameComparison(String label, PairedScorer.Comparison a, PairedScorer.Comparison e) {
        assertThat(a.kl()).as("%s: KL", label).containsExactly(e.kl());
        assertThat(a.sameTop1()).as("%s: same top-1", label).containsExactly(e.sameTop1());
        assertThat(a.deltaP()).as("%s: Δp", label).containsExactly(e.deltaP());
        assertThat(a.referenceLogprob()).as("%s: reference log p", label).containsExactly(e.referenceLogprob());
        assertThat(a.candidateLogprob()).as("%s: candidate log p", label).containsExactly(e.candidateLogprob());
        assertThat(a.candidateTopIds()).as("%s: candidate top ids", label).isDeepEqualTo(e.candidateTopIds());
    }
}
