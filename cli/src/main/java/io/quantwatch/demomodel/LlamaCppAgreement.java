package io.quantwatch.demomodel;

import io.quantwatch.engine.generate.GreedyDecoder;
import io.quantwatch.engine.model.InferenceSession;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.llamacpp.LlamaCppContext;
import io.quantwatch.llamacpp.LlamaCppModel;
import io.quantwatch.tasks.TaskExample;
import io.quantwatch.tasks.TaskFamily;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Greedy answers of the engine and of the current llama.cpp (5b4ebc5, in-process, F32 KV cache, one thread) on the same
 * prompts, token id for token id.
 */
public final class LlamaCppAgreement {

    /** Per family: how many prompts gave identical text, out of how many, and the first mismatch if any. */
    public record FamilyAgreement(int identical, int total, String firstMismatch) {}

    private LlamaCppAgreement() {}

    public static Map<TaskFamily, FamilyAgreement> measure(
            Path gguf, LlamaModel model, Map<TaskFamily, List<TaskExample>> tasks, int perFamily) {
        Map<TaskFamily, int[]> counts = new EnumMap<>(TaskFamily.class);
        Map<TaskFamily, String> mismatches = new EnumMap<>(TaskFamily.class);
        try (InferenceSession s = model.newSession(1, 512);
                LlamaCppModel llama = LlamaCppModel.load(gguf);
                LlamaCppContext context = llama.newContext(LlamaCppContext.Settings.exact(512, 1))) {
            GreedyDecoder d = new GreedyDecoder(s, 0);
            for (Map.Entry<TaskFamily, List<TaskExample>> e : tasks.entrySet()) {
                for (TaskExample t :
                        e.getValue().subList(0, Math.min(perFamily, e.getValue().size()))) {
                    int[] prompt = model.tokenizer().encode(t.prompt(), true);
                    int max = t.family().maxTokens();
                    int[] ourTokens = d.generate(prompt, max, List.of()).tokens();
                    int[] theirTokens = context.greedy(prompt, max).tokens();
                    int[] c = counts.computeIfAbsent(t.family(), k -> new int[2]);
                    c[1]++;
                    if (Arrays.equals(ourTokens, theirTokens)) {
                        c[0]++;
                    } else {
                        mismatches.putIfAbsent(
                                t.family(),
                                "engine: " + model.tokenizer().decode(ourTokens) + " | llama.cpp: "
                                        + model.tokenizer().decode(theirTokens));
                    }
                }
            }
        }
        Map<TaskFamily, FamilyAgreement> out = new EnumMap<>(TaskFamily.class);
        counts.forEach((f, c) -> out.put(f, new FamilyAgreement(c[0], c[1], mismatches.get(f))));
        return out;
    }
}
