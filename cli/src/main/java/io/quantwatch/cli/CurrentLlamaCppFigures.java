package io.quantwatch.cli;

import io.quantwatch.connectors.engine.ModelCache;
import io.quantwatch.connectors.engine.ReferenceLogits;
import io.quantwatch.connectors.llamacpp.LlamaCppPipelines;
import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.evaluate.EvaluationPrompt;
import io.quantwatch.llamacpp.LlamaCppContext;
import io.quantwatch.llamacpp.LlamaCppModel;
import io.quantwatch.llamacpp.LlamaNatives;
import java.nio.file.Path;
import java.util.List;

/**
 * The current llama.cpp's figures for {@code bench engine} (5b4ebc5, in-process through the llamacpp binding, F32 KV
 * cache and no flash attention, as the b4916 figures are taken): decode and prompt-processing speed on the benchmark's
 * files, and the shadow latency of a {@code backend: llama.cpp} candidate. Medians of the runs, measured in the same run
 * as the engine's.
 */
final class CurrentLlamaCppFigures {
    private final int runs;

    CurrentLlamaCppFigures(int runs) {
        this.runs = runs;
    }

    static String describe() {
        return "llama.cpp " + LlamaNatives.LLAMA_CPP_COMMIT + " in-process";
    }

    /** Decode tokens/s after {@code prompt}: {@code tokens} greedy steps, median of the runs after a warm-up. */
    double decodeTokensPerSecond(Path file, int[] prompt, int tokens, int threads) {
        try (LlamaCppModel model = LlamaCppModel.load(file);
                LlamaCppContext context =
                        model.newContext(LlamaCppContext.Settings.exact(prompt.length + tokens + 8, threads))) {
            context.greedy(prompt, Math.min(tokens, 16)); // warm-up
            double[] perSecond = new double[runs];
            for (int r = 0; r < runs; r++) {
                LlamaCppContext.GreedyAnswer a = context.greedy(prompt, tokens);
                perSecond[r] = (a.tokens().length - 1) / (a.decodeNanos() / 1e9);
            }
            return BatchedEngineFigures.median(perSecond);
        }
    }

    /** Prompt-processing seconds of {@code prompt} (all of it in one batched pass), median of the runs. */
    double prefillSeconds(Path file, int[] prompt, int threads) {
        try (LlamaCppModel model = LlamaCppModel.load(file);
                LlamaCppContext context = model.newContext(new LlamaCppContext.Settings(
                        prompt.length + 8, Math.min(512, prompt.length), threads, true, false))) {
            context.prefill(prompt, 0, prompt.length); // warm-up
            double[] seconds = new double[runs];
            for (int r = 0; r < runs; r++) {
                context.reset();
                long t0 = System.nanoTime();
                context.prefill(prompt, 0, prompt.length);
                seconds[r] = (System.nanoTime() - t0) / 1e9;
            }
            return BatchedEngineFigures.median(seconds);
        }
    }

    /**
     * Shadow latency per prompt with one {@code backend: llama.cpp} candidate running {@code candidateFile} (verified
     * against the engine reference's answer, as the monitor runs it), mean and p95 over the prompts after a warm-up.
     */
    BatchedEngineFigures.ShadowLatency shadowLatency(
            Path referenceGguf, Path candidateFile, boolean f32Cache, List<EvaluationPrompt> prompts) {
        int context = ModelCache.reference(referenceGguf).config().contextLength();
        try (ShadowPipelines pair = LlamaCppPipelines.pair(
                referenceGguf,
                "file:" + candidateFile,
                new LlamaCppPipelines.Settings(1, f32Cache, false),
                1,
                context,
                true,
                new ReferenceLogits())) {
            for (EvaluationPrompt p : prompts.subList(0, Math.min(6, prompts.size()))) {
                shadowOne(pair, p);
            }
            double[] s = new double[prompts.size()];
            for (int i = 0; i < s.length; i++) {
                long t0 = System.nanoTime();
                shadowOne(pair, prompts.get(i));
                s[i] = (System.nanoTime() - t0) / 1e9;
            }
            return BatchedEngineFigures.ShadowLatency.of(s);
        }
    }

    private static void shadowOne(ShadowPipelines pair, EvaluationPrompt p) {
        int[] tokens = pair.encodePrompt(p.prompt());
        int maxTokens = Math.min(p.maxTokensOr(256), pair.contextLength() - tokens.length - 1);
        DecodeOutput reference = pair.generateReference(tokens, maxTokens, List.of());
        pair.answerAndCompare(tokens, reference, maxTokens, List.of(), () -> {});
    }
}
