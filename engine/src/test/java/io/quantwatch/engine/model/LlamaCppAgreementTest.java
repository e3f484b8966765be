package io.quantwatch.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.engine.generate.GenerationTrace;
import io.quantwatch.engine.generate.GreedyDecoder;
import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.gguf.GgufValue;
import io.quantwatch.engine.gguf.GgufWriter;
import io.quantwatch.engine.tensor.DotKernels;
import io.quantwatch.oracle.LlamaCppOracle;
import io.quantwatch.oracle.OracleRequest;
import io.quantwatch.oracle.OracleResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine against llama.cpp (b4916 through java-llama.cpp, forked JVM, F32 KV cache, one
 * thread) on a seeded random llama written by our own GGUF writer: dim 256, 4 layers, GQA 8/2,
 * 1 024 tokens. F32 must agree token for token for 128 tokens on every prompt; F16 and Q8_0
 * agreement is measured and printed (llama.cpp also rounds activations to F16 / Q8_0 there).
 */
class LlamaCppAgreementTest {
    static final int STEPS = 128;
    static final String[] PROMPTS = {
        "the quick brown fox", "Hello, world!", "{\"tool\": \"search\", \"args\": [1, 2]}",
        "once upon a time there was", "translate: bonjour", "1 2 3 4 5 6 7 8 9 10"
    };

    @TempDir
    static Path dir;

    static OracleResponse run(Path model, List<int[]> prompts, List<String> encode) {
        List<OracleRequest.Generation> gens = new ArrayList<>();
        for (int[] p : prompts) {
            gens.add(new OracleRequest.Generation(p, STEPS));
        }
        return new LlamaCppOracle(300).run(new OracleRequest(model.toString(), 1, 512, encode, gens));
    }

    static String decodeAll(LlamaModel m, int[] tokens) {
        StringBuilder s = new StringBuilder();
        for (int t : tokens) {
            s.append(new String(m.tokenizer().pieceBytes(t), StandardCharsets.UTF_8));
        }
        return s.toString();
    }

    record Agreement(int prompts, int identical, double meanCommonPrefix) {}

    static Agreement compare(GgmlType type, boolean requireIdentical) {
        return compare(type.toString(), type, w -> {}, requireIdentical);
    }

    /** {@code extra} adds keys or tensors to the written model (a variant llama.cpp must compute the same way). */
    static Agreement compare(String label, GgmlType type, Consumer<GgufWriter> extra, boolean requireIdentical) {
        Path file = dir.resolve("random-" + label.replaceAll("\\W+", "-") + ".gguf");
        RandomLlamaGguf.write(RandomLlamaGguf.Spec.small(42), type, file, extra);
        LlamaModel model = LlamaModel.load(file, DotKernels.preferred());
        List<int[]> prompts = new ArrayList<>();
        for (String p : PROMPTS) {
            prompts.add(model.tokenizer().encode(p, true));
        }
        OracleResponse oracle = run(file, prompts, List.of(PROMPTS));
        int identical = 0;
        double prefixSum = 0;
        try (InferenceSession session = model.newSession(1, 512)) {
            GreedyDecoder decoder = new GreedyDecoder(session, 0);
            for (int i = 0; i < PROMPTS.length; i++) {
                // The binding's encode() adds no BOS; apart from that llama.cpp must tokenize the prompt as we do.
                assertThat(oracle.encoded().get(i))
                        .as("llama.cpp tokens of %s", PROMPTS[i])
                        .containsExactly(model.tokenizer().encode(PROMPTS[i], false));
                GenerationTrace ours = decoder.generate(prompts.get(i), STEPS, List.of());
                List<String> theirs = oracle.generations().get(i).pieces();
                List<String> mine = new ArrayList<>();
                for (int t : ours.tokens()) {
                    mine.add(new String(model.tokenizer().pieceBytes(t), StandardCharsets.UTF_8));
                }
                int common = 0;
                while (common < Math.min(mine.size(), theirs.size())
                        && mine.get(common).equals(theirs.get(common))) {
                    common++;
                }
                prefixSum += common;
                // A decode stuck on one token would agree trivially; these models wander.
                assertThat(Arrays.stream(ours.tokens()).distinct().count())
                        .as("distinct tokens")
                        .isGreaterThan(8);
                boolean same = mine.equals(theirs);
                identical += same ? 1 : 0;
                if (requireIdentical) {
                    assertThat(mine)
                            .as("greedy pieces for prompt '%s' (%s)", PROMPTS[i], label)
                            .hasSize(STEPS)
                            .containsExactlyElementsOf(theirs);
                    assertThat(decodeAll(model, ours.tokens()))
                            .isEqualTo(oracle.generations().get(i).text());
                }
            }
        }
        Agreement a = new Agreement(PROMPTS.length, identical, prefixSum / PROMPTS.length);
        System.out.printf(
                "llama.cpp agreement %-5s: %d/%d prompts identical for %d tokens, mean common prefix %.1f tokens%n",
                label, a.identical(), a.prompts(), STEPS, a.meanCommonPrefix());
        return a;
    }

    @Test
    void f32GreedyTokensAreIdenticalToLlamaCppFor128TokensOnEveryPrompt() {
        Agreement a = compare(GgmlType.F32, true);
        assertThat(a.identical()).isEqualTo(PROMPTS.length);
    }

    @Test
    void f16AndQ8_0AgreementIsMeasuredAndReported() {
        Agreement f16 = compare(GgmlType.F16, false);
        Agreement q8 = compare(GgmlType.Q8_0, false);
        // Not identical by construction (llama.cpp rounds activations too), but far from random.
        assertThat(f16.meanCommonPrefix()).isGreaterThan(8);
        assertThat(q8.meanCommonPrefix()).isGreaterThan(8);
    }

    @Test
    void linearRopeScalingIsIdenticalToLlamaCpp() {
        Agreement a = compare(
                "F32 rope linear x4",
                GgmlType.F32,
                w -> {
                    w.put("llama.rope.scaling.type", GgufValue.string("linear"));
                    w.put("llama.rope.scaling.factor", GgufValue.float32(4));
                },
                true);
        assertThat(a.identical()).isEqualTo(PROMPTS.length);
    }

    @Test
    void llama3RopeFrequencyFactorsAreIdenticalToLlamaCpp() {
        // As Llama 3.1's converter writes them: 1 for the fast pairs, up to 8 for the slow ones (head size 32: 16
        // pairs).
        float[] factors = new float[16];
        for (int i = 0; i < factors.length; i++) {
            factors[i] = i < 6 ? 1f : (float) Math.min(8.0, 1.0 + (i - 5) * 0.9);
        }
        Agreement a = compare(
                "F32 rope_freqs",
                GgmlType.F32,
                w -> w.addTensor("rope_freqs.weight", GgmlType.F32, new long[] {factors.length}, factors),
                true);
        assertThat(a.identical()).isEqualTo(PROMPTS.length);
    }

    @Test
    void attentionBiasesAreIdenticalToLlamaCpp() {
        // Every layer gets q, k, v and output biases (dim 256, KV dim 64), as Qwen-style and some Llama files carry.
        java.util.Random rnd = new java.util.Random(5);
        Agreement a = compare(
                "F32 attention biases",
                GgmlType.F32,
                w -> {
                    for (int l = 0; l < 4; l++) {
                        String p = "blk." + l + ".";
                        w.addTensor(p + "attn_q.bias", GgmlType.F32, new long[] {256}, gaussian(rnd, 256, 0.1f));
                        w.addTensor(p + "attn_k.bias", GgmlType.F32, new long[] {64}, gaussian(rnd, 64, 0.1f));
                        w.addTensor(p + "attn_v.bias", GgmlType.F32, new long[] {64}, gaussian(rnd, 64, 0.1f));
                        w.addTensor(p + "attn_output.bias", GgmlType.F32, new long[] {256}, gaussian(rnd, 256, 0.02f));
                    }
                },
                true);
        assertThat(a.identical()).isEqualTo(PROMPTS.length);
    }

    private static float[] gaussian(java.util.Random rnd, int n, float std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rnd.nextGaussian() * std;
        }
        out[0] = 0f; // channel 0 is the random model's constant channel: leave it alone
        return out;
    }
}
