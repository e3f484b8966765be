package io.quantwatch.demomodel;

import io.quantwatch.engine.generate.GreedyDecoder;
import io.quantwatch.engine.model.InferenceSession;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.oracle.LlamaCppOracle;
import io.quantwatch.oracle.OracleRequest;
import io.quantwatch.oracle.OracleResponse;
import io.quantwatch.tasks.TaskExample;
import io.quantwatch.tasks.TaskFamily;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Greedy outputs of the engine and of llama.cpp (F32 KV cache, one thread) on the same prompts. */
public final class LlamaCppAgreement {

    /** Per family: how many prompts gave identical text, out of how many, and the first mismatch if any. */
    public record FamilyAgreement(int identical, int total, String firstMismatch) {}

    private LlamaCppAgreement() {}

    public static Map<TaskFamily, FamilyAgreement> measure(
            Path gguf, LlamaModel model, Map<TaskFamily, List<TaskExample>> tasks, int perFamily) {
        List<TaskExample> chosen = new ArrayList<>();
        List<OracleRequest.Generation> gens = new ArrayList<>();
        for (Map.Entry<TaskFamily, List<TaskExample>> e : tasks.entrySet()) {
            for (TaskExample t :
                    e.getValue().subList(0, Math.min(perFamily, e.getValue().size()))) {
                chosen.add(t);
                gens.add(new OracleRequest.Generation(
                        model.tokenizer().encode(t.prompt(), true), t.family().maxTokens()));
            }
        }
        OracleResponse theirs =
                new LlamaCppOracle(600).run(new OracleRequest(gguf.toString(), 1, 512, List.of(), gens));
        Map<TaskFamily, int[]> counts = new EnumMap<>(TaskFamily.class);
        Map<TaskFamily, String> mismatches = new EnumMap<>(TaskFamily.class);
        try (InferenceSession s = model.newSession(1, 512)) {
            GreedyDecoder d = new GreedyDecoder(s, 0);
            for (int i = 0; i < chosen.size(); i++) {
                TaskExample t = chosen.get(i);
                OracleRequest.Generation g = gens.get(i);
                String ours = model.tokenizer()
                        .decode(d.generate(g.promptTokens(), g.maxTokens(), List.of())
                                .tokens());
                String llama = theirs.generations().get(i).text();
                int[] c = counts.computeIfAbsent(t.family(), k -> new int[2]);
                c[1]++;
                if (ours.equals(llama)) {
                    c[0]++;
                } else {
                    mismatches.putIfAbsent(t.family(), "engine: " + ours + " | llama.cpp: " + llama);
                }
            }
        }
        Map<TaskFamily, FamilyAgreement> out = new EnumMap<>(TaskFamily.class);
        counts.forEach((f, c) -> out.put(f, new FamilyAgreement(c[0], c[1], mismatches.get(f))));
        return out;
    }
}
