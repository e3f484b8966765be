package io.quantwatch.cli;

import io.quantwatch.connectors.engine.EngineShadowPair;
import io.quantwatch.connectors.engine.ReferenceLogits;
import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.engine.generate.GenerationTrace;
import io.quantwatch.engine.generate.GreedyDecoder;
import io.quantwatch.engine.model.InferenceSession;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.quant.QuantRecipe;
import io.quantwatch.engine.quant.RecipeApplier;
import io.quantwatch.evaluate.EvaluationPrompt;
import io.quantwatch.oracle.LlamaCppOracle;
import io.quantwatch.oracle.OracleRequest;
import io.quantwatch.oracle.OracleResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The batched engine's measurements for {@code bench engine}: prefill batched vs token by token vs llama.cpp's prompt
 * processing, teacher-forced scoring vs greedy decoding, and shadow latency per prompt before and after batching and
 * verified candidates. Every figure is a median (or mean over prompts) measured side by side in one run.
 */
final class BatchedEngineFigures {
    private final int runs;

    BatchedEngineFigures(int runs) {
        this.runs = runs;
    }

    /** The seeded random model's first word token: control and byte tokens come before it. */
    private static final int FIRST_WORD_TOKEN = 3 + 256;

    /** A BOS and then word tokens drawn at random: a prompt of exactly {@code length} tokens. */
    static int[] randomPrompt(LlamaModel model, int length, long seed) {
        Random rnd = new Random(seed);
        int[] p = new int[length];
        p[0] = model.tokenizer().vocabulary().bos();
        int words = model.config().vocabSize() - FIRST_WORD_TOKEN;
        for (int i = 1; i < length; i++) {
            p[i] = FIRST_WORD_TOKEN + rnd.nextInt(words);
        }
        return p;
    }

    /** Seconds to prefill {@code prompt}: block 1 is the token-by-token path (logits at every position). */
    double prefillSeconds(LlamaModel model, int[] prompt, int threads, int block) {
        try (InferenceSession s = model.newSession(threads, prompt.length + 1, block)) {
            s.prefill(prompt, 0, prompt.length); // warm-up
            double[] t = new double[runs];
            for (int r = 0; r < runs; r++) {
                s.reset();
                long t0 = System.nanoTime();
                s.prefill(prompt, 0, prompt.length);
                t[r] = (System.nanoTime() - t0) / 1e9;
            }
            return median(t);
        }
    }

    /** Seconds from request to llama.cpp's first generated piece: its prompt processing plus one decode step. */
    double llamaCppPrefillSeconds(Path file, int[] prompt, int threads) {
        List<OracleRequest.Generation> gens = new ArrayList<>();
        for (int r = 0; r <= runs; r++) {
            gens.add(new OracleRequest.Generation(prompt, 1));
        }
        OracleResponse response = new LlamaCppOracle(600)
                .run(new OracleRequest(file.toString(), threads, prompt.length + 8, List.of(), gens));
        return median(response.generations().stream()
                .skip(1)
                .mapToDouble(g -> g.firstPieceNanos() / 1e9)
                .toArray());
    }

    /** Seconds of a greedy decode and of teacher-forced scoring of the answer it gave ({@code tokens} long). */
    record DecodeAndScore(double decodeSeconds, double scoreSeconds, int tokens) {}

    /** Decodes {@code tokens} tokens greedily and teacher-forces the same answer, median of the runs each. */
    DecodeAndScore decodeAndScore(LlamaModel model, int[] prompt, int tokens, int threads) {
        try (InferenceSession s = model.newSession(threads, prompt.length + tokens + 1)) {
            GreedyDecoder d = new GreedyDecoder(s, EngineShadowPair.TOP_K); // top-k kept both ways, as the shadow does
            GenerationTrace answer = d.generate(prompt, tokens, List.of());
            d.score(prompt, answer.tokens()); // warm-up
            double[] decode = new double[runs];
            double[] score = new double[runs];
            for (int r = 0; r < runs; r++) {
                decode[r] = d.generate(prompt, tokens, List.of()).decodeNanos() / 1e9;
                long t0 = System.nanoTime();
                d.score(prompt, answer.tokens());
                score[r] = (System.nanoTime() - t0) / 1e9;
            }
            return new DecodeAndScore(median(decode), median(score), answer.length());
        }
    }

    /** Shadow latency per prompt: the reference's answer, then each candidate's answer and comparison. */
    record ShadowLatency(double meanSeconds, double p95Seconds) {
        /** Mean and p95 of per-prompt seconds. */
        static ShadowLatency of(double[] seconds) {
            double[] s = seconds.clone();
            Arrays.sort(s);
            return new ShadowLatency(
                    Arrays.stream(s).average().orElse(0),
                    s[(int) Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]);
        }
    }

    /**
     * Shadows every prompt through the reference and {@code recipes} twice, interleaved so both see the same machine:
     * token by token with candidates decoded from scratch (before), and batched with verified candidates (after).
     */
    ShadowLatency[] shadowLatency(LlamaModel reference, List<String> recipes, List<EvaluationPrompt> prompts) {
        int context = reference.config().contextLength();
        List<EngineShadowPair[]> pairs = new ArrayList<>();
        ReferenceLogits shared = new ReferenceLogits(); // as the monitor's pairs share their reference's logits
        for (String recipe : recipes) {
            LlamaModel candidate =
                    RecipeApplier.apply(reference, QuantRecipe.parse(recipe)).model();
            pairs.add(new EngineShadowPair[] {
                new EngineShadowPair(reference, candidate, 1, context, false, 1, null),
                new EngineShadowPair(reference, candidate, 1, context, true, InferenceSession.DEFAULT_BLOCK, shared)
            });
        }
        try {
            for (int way = 0; way < 2; way++) { // warm-up: a few prompts each way
                for (EvaluationPrompt p : prompts.subList(0, Math.min(6, prompts.size()))) {
                    shadowOne(pairs, way, p);
                }
            }
            double[][] seconds = new double[2][prompts.size()];
            for (int i = 0; i < prompts.size(); i++) {
                for (int way = 0; way < 2; way++) {
                    long t0 = System.nanoTime();
                    shadowOne(pairs, way, prompts.get(i));
                    seconds[way][i] = (System.nanoTime() - t0) / 1e9;
                }
            }
            ShadowLatency[] out = new ShadowLatency[2];
            for (int way = 0; way < 2; way++) {
                out[way] = ShadowLatency.of(seconds[way]);
            }
            return out;
        } finally {
            pairs.forEach(p -> Arrays.stream(p).forEach(EngineShadowPair::close));
        }
    }

    /** One prompt through the reference and every candidate. */
    private static void shadowOne(List<EngineShadowPair[]> pairs, int way, EvaluationPrompt p) {
        EngineShadowPair first = pairs.get(0)[way];
        int[] tokens = first.encodePrompt(p.prompt());
        int maxTokens = Math.min(p.maxTokensOr(256), first.contextLength() - tokens.length - 1);
        DecodeOutput reference = first.generateReference(tokens, maxTokens, List.of());
        for (EngineShadowPair[] pair : pairs) {
            pair[way].answerAndCompare(tokens, reference, maxTokens, List.of(), () -> {});
        }
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
