package io.quantwatch.demomodel;

import io.quantwatch.engine.generate.GenerationTrace;
import io.quantwatch.engine.generate.GreedyDecoder;
import io.quantwatch.engine.model.InferenceSession;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.tokenizer.Tokenizer;
import io.quantwatch.tasks.Check;
import io.quantwatch.tasks.TaskExample;
import io.quantwatch.tasks.TaskFamily;
import io.quantwatch.tasks.TaskGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Greedy-decodes held-out tasks of every family with one model and judges each output with the
 * task's own check; also the teacher-forced perplexity of the reference completions.
 */
public final class HeldOutEvaluation {

    /** Generation budget per family: comfortably above the longest reference. */
    /** One decoded task with its verdict. */
    public record Outcome(TaskExample task, String output, Check.Result result, boolean validJson) {}

    /** Rates per family, as fractions. */
    public record Report(Map<TaskFamily, List<Outcome>> outcomes, double perplexity) {

        public double rate(TaskFamily family, Predicate<Outcome> p) {
            List<Outcome> list = outcomes.getOrDefault(family, List.of());
            return list.isEmpty()
                    ? Double.NaN
                    : (double) list.stream().filter(p).count() / list.size();
        }

        public double validJsonRate() {
            return rate(TaskFamily.TOOL_CALL, Outcome::validJson);
        }

        public double correctToolRate() {
            return rate(
                    TaskFamily.TOOL_CALL,
                    o -> o.validJson() && !o.result().reason().startsWith("wrong tool"));
        }

        public double exactToolCallRate() {
            return rate(TaskFamily.TOOL_CALL, o -> o.result().satisfied());
        }

        /** The format constraint kept (exactly N sentences, a bare value, N numbered items, yes/no only). */
        public double constraintRate() {
            return rate(TaskFamily.CONSTRAINED_REPLY, o -> o.result().satisfied());
        }

        /** The constrained answer also right in content (the fact, the comparison). */
        public double constrainedCorrectRate() {
            return rate(TaskFamily.CONSTRAINED_REPLY, o -> o.result().correct());
        }

        public double translationExactRate() {
            return rate(TaskFamily.TRANSLATION, o -> o.result().satisfied());
        }

        public double continuationRate() {
            return rate(TaskFamily.LONG_CONTINUATION, o -> o.result().satisfied());
        }
    }

    private HeldOutEvaluation() {}

    /** The fixed held-out sample: {@code perFamily} tasks of each family from the held-out seed stream. */
    public static Map<TaskFamily, List<TaskExample>> sample(int perFamily, int stories, long seed) {
        TaskGenerator g = TaskGenerator.heldOut(seed);
        Map<TaskFamily, List<TaskExample>> tasks = new EnumMap<>(TaskFamily.class);
        for (TaskFamily f : TaskFamily.values()) {
            tasks.put(f, g.next(f, f == TaskFamily.LONG_CONTINUATION ? stories : perFamily));
        }
        return tasks;
    }

    public static Report run(
            LlamaModel model, Map<TaskFamily, List<TaskExample>> tasks, int threads, boolean withPerplexity) {
        Tokenizer tok = model.tokenizer();
        Map<TaskFamily, List<Outcome>> outcomes = new EnumMap<>(TaskFamily.class);
        double nll = 0;
        long scored = 0;
        try (InferenceSession session = model.newSession(threads, 512)) {
            GreedyDecoder decoder = new GreedyDecoder(session, 0);
            for (Map.Entry<TaskFamily, List<TaskExample>> e : tasks.entrySet()) {
                List<Outcome> list = new ArrayList<>();
                for (TaskExample t : e.getValue()) {
                    int[] prompt = tok.encode(t.prompt(), true);
                    GenerationTrace trace = decoder.generate(prompt, e.getKey().maxTokens(), List.of());
                    String output = tok.decode(trace.tokens());
                    Check.Result r = t.check().evaluate(output);
                    boolean json = e.getKey() == TaskFamily.TOOL_CALL
                            && !r.reason().startsWith("invalid JSON")
                            && !r.reason().equals("not a JSON object");
                    list.add(new Outcome(t, output, r, json));
                    if (withPerplexity) {
                        int[] reference = tok.encode(t.completion(), false);
                        int[] withEos = Arrays.copyOf(reference, reference.length + 1);
                        withEos[reference.length] = tok.vocabulary().eos();
                        nll += decoder.score(prompt, withEos).nll();
                        scored += withEos.length;
                    }
                }
                outcomes.put(e.getKey(), list);
            }
        }
        return new Report(outcomes, scored == 0 ? Double.NaN : Math.exp(nll / scored));
    }
}
