package io.quantwatch.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.quantwatch.engine.generate.FinishReason;
import io.quantwatch.engine.generate.GenerationTrace;
import io.quantwatch.engine.generate.GreedyDecoder;
import io.quantwatch.engine.generate.PairedScorer;
import io.quantwatch.engine.generate.ScoreTrace;
import io.quantwatch.engine.quant.QuantRecipe;
import io.quantwatch.engine.quant.RecipeApplier;
import io.quantwatch.engine.tensor.DotKernels;
import io.quantwatch.engine.tensor.F32Weights;
import io.quantwatch.engine.tensor.WeightMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Greedy decode, teacher forcing and paired scoring on the seeded random model. */
class InferenceTest {
    static LlamaModel model;
    static int[] prompt;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(TestModels.smallF32());
        prompt = model.tokenizer().encode("the quick brown fox", true);
    }

    @Test
    void scalarFallbackProducesTheSameGreedyTokensAsVectorKernels() {
        LlamaModel scalar = LlamaModel.load(TestModels.smallF32(), DotKernels.scalar());
        try (InferenceSession v = model.newSession(1, 128);
                InferenceSession s = scalar.newSession(1, 128)) {
            int[] a = new GreedyDecoder(v, 0).generate(prompt, 64, List.of()).tokens();
            int[] b = new GreedyDecoder(s, 0).generate(prompt, 64, List.of()).tokens();
            assertThat(a).hasSize(64).containsExactly(b);
        }
    }

    @Test
    void twoThreadsProduceTheSameTokensAsOne() {
        try (InferenceSession one = model.newSession(1, 128);
                InferenceSession two = model.newSession(2, 128)) {
            assertThat(new GreedyDecoder(two, 0).generate(prompt, 48, List.of()).tokens())
                    .containsExactly(new GreedyDecoder(one, 0)
                            .generate(prompt, 48, List.of())
                            .tokens());
        }
    }

    @Test
    void traceCarriesTopKLogprobsFinishReasonAndTimings() {
        try (InferenceSession s = model.newSession(1, 128)) {
            GenerationTrace t = new GreedyDecoder(s, 5).generate(prompt, 20, List.of());
            assertThat(t.finishReason()).isEqualTo(FinishReason.MAX_TOKENS);
            assertThat(t.tokens()).hasSize(20);
            assertThat(t.topK()).hasSize(20);
            for (int i = 0; i < 20; i++) {
                assertThat(t.topK().get(i)[0].token()).isEqualTo(t.tokens()[i]); // greedy picks the top-1
                assertThat(t.topK().get(i))
                        .extracting(x -> x.logprob())
                        .isSortedAccordingTo((a, b) -> Float.compare(b, a));
                assertThat(t.topK().get(i)[0].logprob()).isLessThanOrEqualTo(0f);
            }
            assertThat(t.prefillNanos()).isPositive();
            assertThat(t.decodeNanos()).isPositive();
        }
    }

    @Test
    void stopSequenceEndsTheDecodeOnTheTokenThatCompletesIt() {
        try (InferenceSession s = model.newSession(1, 128)) {
            GreedyDecoder d = new GreedyDecoder(s, 0);
            GenerationTrace full = d.generate(prompt, 30, List.of());
            String text = model.tokenizer().decode(full.tokens());
            String stop = text.substring(10, 14);
            GenerationTrace stopped = d.generate(prompt, 30, List.of(stop));
            assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP_SEQUENCE);
            assertThat(model.tokenizer().decode(stopped.tokens()))
                    .contains(stop)
                    .hasSizeLessThan(text.length());
        }
    }

    @Test
    void eosEndsTheDecode() {
        // A model whose output layer always prefers EOS.
        LlamaWeights w = model.weights();
        float[] out = w.output().toFloats();
        int dim = model.config().dim();
        int eos = model.tokenizer().vocabulary().eos();
        out[eos * dim] = 500f; // the constant channel is positive after the final norm
        WeightMatrix biased = new F32Weights(out, w.output().rows(), dim, model.kernels());
        LlamaModel eager =
                model.withWeights("eos", new LlamaWeights(w.tokenEmbedding(), w.layers(), w.outputNorm(), biased));
        try (InferenceSession s = eager.newSession(1, 64)) {
            GenerationTrace t = new GreedyDecoder(s, 3).generate(prompt, 10, List.of());
            assertThat(t.finishReason()).isEqualTo(FinishReason.EOS);
            assertThat(t.tokens()).isEmpty();
            assertThat(t.topK()).hasSize(1);
        }
    }

    @Test
    void teacherForcingOnItsOwnGreedyOutputAgreesWithTheDecode() {
        try (InferenceSession s = model.newSession(1, 128)) {
            GreedyDecoder d = new GreedyDecoder(s, 3);
            GenerationTrace g = d.generate(prompt, 24, List.of());
            ScoreTrace sc = d.score(prompt, g.tokens());
            assertThat(sc.argmax()).containsExactly(g.tokens());
            for (int i = 0; i < 24; i++) {
                assertThat(sc.logprobs()[i]).isCloseTo(g.topK().get(i)[0].logprob(), within(1e-5f));
            }
            assertThat(sc.perplexity()).isGreaterThanOrEqualTo(1.0);
        }
    }

    @Test
    void pairedScoringOfAModelAgainstItselfShowsNoDrift() {
        try (InferenceSession a = model.newSession(1, 128);
                InferenceSession b = model.newSession(1, 128)) {
            int[] cont = new GreedyDecoder(a, 0).generate(prompt, 32, List.of()).tokens();
            PairedScorer.Comparison c = new PairedScorer(a, b).compare(prompt, cont);
            assertThat(c.length()).isEqualTo(32);
            assertThat(c.meanKl()).isZero();
            assertThat(c.sameTop1Rate()).isEqualTo(1.0);
            assertThat(c.perplexityRatio()).isEqualTo(1.0);
            assertThat(c.deltaP()).containsOnly(0.0);
        }
    }

    @Test
    void pairedScoringMeasuresQuantizationDriftAndOrdersRecipes() {
        int[] cont;
        try (InferenceSession r = model.newSession(1, 128)) {
            cont = new GreedyDecoder(r, 0).generate(prompt, 48, List.of()).tokens();
        }
        double[] kl = new double[3];
        String[] recipes = {"int8 sym", "int4 sym group=128", "int4 sym group=-1"};
        for (int i = 0; i < 3; i++) {
            LlamaModel cand =
                    RecipeApplier.apply(model, QuantRecipe.parse(recipes[i])).model();
            try (InferenceSession r = model.newSession(1, 128);
                    InferenceSession c = cand.newSession(1, 128)) {
                PairedScorer.Comparison cmp = new PairedScorer(r, c).compare(prompt, cont);
                kl[i] = cmp.meanKl();
                // The exact KL matches a direct computation at the first position.
                assertThat(cmp.kl()[0]).isPositive();
            }
        }
        assertThat(kl[0]).isLessThan(kl[1]);
        assertThat(kl[1]).isLessThan(kl[2]);
    }

    @Test
    void oneModelServesConcurrentSessions() throws Exception {
        int[] expected;
        try (InferenceSession s = model.newSession(1, 64)) {
            expected = new GreedyDecoder(s, 0).generate(prompt, 16, List.of()).tokens();
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    try (InferenceSession s = model.newSession(1, 64)) {
                        return new GreedyDecoder(s, 0)
                                .generate(prompt, 16, List.of())
                                .tokens();
                    }
                }));
            }
            for (Future<int[]> f : results) {
                assertThat(f.get()).containsExactly(expected);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void promptsThatDoNotFitAreRefused() {
        try (InferenceSession s = model.newSession(1, 8)) {
            assertThatThrownBy(() -> new GreedyDecoder(s, 0).generate(new int[9], 4, List.of()))
                    .hasMessageContaining("does not fit");
            assertThatThrownBy(() -> new GreedyDecoder(s, 0).generate(new int[0], 4, List.of()))
                    .hasMessageContaining("at least one token");
        }
    }
}
