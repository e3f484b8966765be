package io.quantwatch.evaluate;

import io.quantwatch.connectors.engine.EngineShadowPair;
import io.quantwatch.detectors.CandidateAnswer;
import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.RequestContext;
import io.quantwatch.detectors.ShadowComparison;
import io.quantwatch.detectors.ShadowMetrics;
import io.quantwatch.detectors.TeacherForcedScores;
import io.quantwatch.detectors.alert.Verdict;
import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.DriftWindow;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.quant.CandidateModels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The offline counterpart of the stream: every prompt through the reference once and through each
 * candidate recipe, compared by the same detectors, aggregated in the same window accumulator.
 */
public final class OfflineEvaluation {
    private static final int DEFAULT_MAX_TOKENS = 256;

    /** Told after each prompt: which candidate, how many prompts done of how many. */
    public interface Progress {
        void update(String candidate, int done, int total);
    }

    /** One compared prompt, with both texts marked where they first diverge. */
    public record Example(
            EvaluationPrompt prompt, ShadowMetrics metrics, String referenceMarked, String candidateMarked) {
        /** Badness used to rank the worst examples, as the stream ranks its divergent samples. */
        double badness() {
            return metrics.badness();
        }
    }

    /** One candidate's results. */
    public record CandidateReport(
            String recipe,
            DriftSummary summary,
            Verdict verdict,
            Map<String, Verdict> verdictByTask,
            List<Example> worst,
            double seconds) {}

    /** Told about every compared prompt (the detection benchmark records them). */
    public interface Listener {
        void compared(
                String recipe,
                EvaluationPrompt prompt,
                DecodeOutput reference,
                DecodeOutput candidate,
                ShadowMetrics metrics);
    }

    private OfflineEvaluation() {}

    public static List<CandidateReport> run(
            LlamaModel reference,
            List<String> recipes,
            List<EvaluationPrompt> prompts,
            int threads,
            int worstCount,
            Progress progress) {
        return run(reference, recipes, prompts, threads, worstCount, progress, (recipe, p, ref, cand, m) -> {});
    }

    public static List<CandidateReport> run(
            LlamaModel reference,
            List<String> recipes,
            List<EvaluationPrompt> prompts,
            int threads,
            int worstCount,
            Progress progress,
            Listener listener) {
        // Every recipe against the model's shapes first: a group size that does not fit fails now, naming tensor,
        // shape and recipe, not after the candidates before it have run to the end.
        for (String recipe : recipes) {
            CandidateModels.checkRecipe(reference, recipe);
        }
        ShadowComparison comparison = new ShadowComparison();
        List<DecodeOutput> referenceOutputs = new ArrayList<>();
        List<CandidateReport> reports = new ArrayList<>();
        for (String recipe : recipes) {
            long t0 = System.nanoTime();
            LlamaModel candidate = CandidateModels.build(reference, recipe);
            DriftWindow window = new DriftWindow();
            Map<String, DriftWindow> byTask = new TreeMap<>();
            List<Example> examples = new ArrayList<>();
            try (EngineShadowPair pair = new EngineShadowPair(
                    reference, candidate, threads, reference.config().contextLength(), true)) {
                for (int i = 0; i < prompts.size(); i++) {
                    EvaluationPrompt p = prompts.get(i);
                    int[] promptTokens = pair.encodePrompt(p.prompt());
                    int maxTokens = Math.min(
                            p.maxTokensOr(DEFAULT_MAX_TOKENS),
                            reference.config().contextLength() - promptTokens.length - 1);
                    if (referenceOutputs.size() <= i) {
                        referenceOutputs.add(pair.generateReference(promptTokens, maxTokens, List.of()));
                    }
                    DecodeOutput ref = referenceOutputs.get(i);
                    CandidateAnswer answer = pair.answerAndCompare(promptTokens, ref, maxTokens, List.of(), () -> {});
                    DecodeOutput cand = answer.answer();
                    TeacherForcedScores forced = answer.forced();
                    ShadowMetrics m = comparison.compare(
                            new RequestContext(
                                    p.jsonRequested() || p.jsonSchemaText() != null, p.jsonSchemaText(), p.sentences()),
                            ref,
                            cand,
                            forced);
                    window.add(m);
                    byTask.computeIfAbsent(p.task(), t -> new DriftWindow()).add(m);
                    listener.compared(recipe, p, ref, cand, m);
                    if (!m.divergence().identical()) {
                        int fdt = m.divergence().firstDivergentToken();
                        examples.add(new Example(
                                p, m, mark(reference, ref.tokens(), fdt), mark(reference, cand.tokens(), fdt)));
                    }
                    progress.update(recipe, i + 1, prompts.size());
                }
            }
            examples.sort(Comparator.comparingDouble(Example::badness).reversed());
            DriftSummary summary = window.summary();
            Map<String, Verdict> verdicts = new LinkedHashMap<>();
            byTask.forEach((task, w) -> verdicts.put(task, Verdict.of(w.summary(), Verdict.Policy.defaults())));
            reports.add(new CandidateReport(
                    recipe,
                    summary,
                    Verdict.of(summary, Verdict.Policy.defaults()),
                    verdicts,
                    List.copyOf(examples.subList(0, Math.min(worstCount, examples.size()))),
                    (System.nanoTime() - t0) / 1e9));
        }
        return reports;
    }

    /** The decoded text with ⟦ before the first divergent token. */
    static String mark(LlamaModel model, int[] tokens, int firstDivergent) {
        int cut = Math.min(firstDivergent, tokens.length);
        String head = model.tokenizer().decode(Arrays.copyOf(tokens, cut));
        String all = model.tokenizer().decode(tokens);
        return all.startsWith(head) ? head + "⟦" + all.substring(head.length()) : "⟦" + all;
    }
}
