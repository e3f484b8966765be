package io.quantwatch.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.engine.generate.GreedyDecoder;
import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.gguf.GgufValue;
import io.quantwatch.engine.gguf.GgufWriter;
import io.quantwatch.engine.tensor.DotKernels;
import io.quantwatch.llamacpp.LlamaCppContext;
import io.quantwatch.llamacpp.LlamaCppModel;
import io.quantwatch.llamacpp.LlamaNatives;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine against the current llama.cpp (5b4ebc5, in-process through the llamacpp binding, F32 KV cache, one
 * thread) on seeded random models written by our own GGUF writer (the llama one: dim 256, 4 layers, GQA 8/2, 1 024
 * tokens). Greedy token ids are compared: F32 must agree for 128 tokens on every prompt; F16, Q8_0 and K-quant
 * agreement is measured and printed (llama.cpp also rounds activations there).
 */
class LlamaCppAgreementTest {
    static final int STEPS = 128;
    static final String[] PROMPTS = {
        "the quick brown fox", "Hello, world!", "{\"tool\": \"search\", \"args\": [1, 2]}",
        "once upon a time there was", "translate: bonjour", "1 2 3 4 5 6 7 8 9 10"
    };

    @TempDir
    static Path dir;

    /** llama.cpp's greedy answers (F32 KV cache, no flash attention, one thread), in-process. */
    static List<int[]> llamaCppAnswers(Path model, List<int[]> prompts) {
        List<int[]> answers = new ArrayList<>();
        try (LlamaCppModel llama = LlamaCppModel.load(model);
                LlamaCppContext context = llama.newContext(LlamaCppContext.Settings.exact(512, 1))) {
            for (int[] p : prompts) {
                answers.add(context.greedy(p, STEPS).tokens());
            }
        }
        return answers;
    }

    /** llama.cpp's tokens of each text, without BOS. */
    static List<int[]> llamaCppTokens(Path model, List<String> texts) {
        try (LlamaCppModel llama = LlamaCppModel.loadVocabulary(model)) {
            return texts.stream()
                    .map(t -> llama.tokenize(t.getBytes(StandardCharsets.UTF_8), false, false))
                    .toList();
        }
    }

    record Agreement(int prompts, int identical, double meanCommonPrefix) {}

    static Agreement compare(GgmlType type, boolean requireIdentical) {
        return compare(type.toString(), type, w -> {}, requireIdentical);
    }

    /** {@code extra} adds keys or tensors to the written model (a variant llama.cpp must compute the same way). */
    static Agreement compare(String label, GgmlType type, Consumer<GgufWriter> extra, boolean requireIdentical) {
        return compare(label, RandomLlamaGguf.Spec.small(42), "llama", type, extra, requireIdentical);
    }

    static Agreement compare(
            String label,
            RandomLlamaGguf.Spec spec,
            String arch,
            GgmlType type,
            Consumer<GgufWriter> extra,
            boolean requireIdentical) {
        return compare(label, spec, arch, 0, type, extra, requireIdentical);
    }

    static Agreement compare(
            String label,
            RandomLlamaGguf.Spec spec,
            String arch,
            int headDim,
            GgmlType type,
            Consumer<GgufWriter> extra,
            boolean requireIdentical) {
        Path file = dir.resolve("random-" + label.replaceAll("\\W+", "-") + ".gguf");
        RandomLlamaGguf.write(spec, type, file, arch, headDim, extra);
        return compare(label, file, List.of(PROMPTS), requireIdentical);
    }

    /**
     * The engine's greedy answers against llama.cpp's, token id for token id, on {@code texts} as prompts (BOS added
     * where the vocabulary asks for it); llama.cpp must also tokenize every prompt as the engine does.
     */
    static Agreement compare(String label, Path file, List<String> texts, boolean requireIdentical) {
        LlamaModel model = LlamaModel.load(file, DotKernels.preferred());
        List<int[]> prompts = new ArrayList<>();
        for (String p : texts) {
            prompts.add(
                    model.tokenizer().encode(p, model.tokenizer().vocabulary().addBos()));
        }
        List<int[]> theirTokens = llamaCppTokens(file, texts);
        List<int[]> theirs = llamaCppAnswers(file, prompts);
        int identical = 0;
        double prefixSum = 0;
        try (InferenceSession session = model.newSession(1, 512)) {
            GreedyDecoder decoder = new GreedyDecoder(session, 0);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(theirTokens.get(i))
                        .as("llama.cpp tokens of %s", texts.get(i))
                        .containsExactly(model.tokenizer().encode(texts.get(i), false));
                int[] ours = decoder.generate(prompts.get(i), STEPS, List.of()).tokens();
                int[] their = theirs.get(i);
                int common = 0;
                while (common < Math.min(ours.length, their.length) && ours[common] == their[common]) {
                    common++;
                }
                prefixSum += common;
                // A decode stuck on one token would agree trivially; these models wander.
                assertThat(Arrays.stream(ours).distinct().count())
                        .as("distinct tokens")
                        .isGreaterThan(8);
                boolean same = Arrays.equals(ours, their);
                identical += same ? 1 : 0;
                if (requireIdentical) {
                    assertThat(ours)
                            .as(
                                    "greedy tokens for prompt '%s' (%s), first difference at %d",
                                    texts.get(i), label, common)
                            .hasSize(STEPS)
                            .containsExactly(their);
                }
            }
        }
        Agreement a = new Agreement(texts.size(), identical, prefixSum / texts.size());
        System.out.printf(
                "llama.cpp %s agreement %-5s: %d/%d prompts identical for %d tokens, mean common prefix %.1f tokens%n",
                LlamaNatives.LLAMA_CPP_COMMIT, label, a.identical(), a.prompts(), STEPS, a.meanCommonPrefix());
        return a;
    }

    @Test
    void f32GreedyTokensAreIdenticalToLlamaCppFor128TokensOnEveryPrompt() {
        Agreement a = compare(GgmlType.F32, true);
        assertThat(a.identical()).isEqualTo(PROMPTS.length);
    }

    @Test
    void kQuantBlocksDecodeExactlyAsLlamaCppDecodesThem() {
        // Only the token embedding is a K-quant: llama.cpp looks its rows up by decoding the blocks (no activation
        // is rounded anywhere, the rest is F32), so any difference in decoding would show as a different answer.
        for (GgmlType t : List.of(GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K)) {
            Agreement a = compare(
                    "F32, " + t + " embedding",
                    RandomLlamaGguf.Spec.small(42),
                    "llama",
                    GgmlType.F32,
                    w -> w.retype("token_embd.weight", t),
                    true);
            assertThat(a.identical()).as(t.name()).isEqualTo(PROMPTS.length);
        }
    }

    @Test
    void kQuantAgreementIsMeasuredAndReported() {
        // llama.cpp multiplies K-quant weights with activations rounded to Q8_K, so greedy answers part sooner than
        // in F16; the weights themselves must decode as llama.cpp's do, or the answers would be unrelated at once.
        for (GgmlType t : List.of(GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K)) {
            Agreement a = compare(t, false);
            assertThat(a.meanCommonPrefix()).as(t.name()).isGreaterThan(4);
        }
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
    void yarnScalingIsIdenticalToLlamaCpp() {
        // YaRN ×4 over an original context of 128: with head size 32 pairs 0–6 blend extrapolation and
        // interpolation, the rest are interpolated, and every rotation is lengthened by 1 + 0.1·ln 4.
        Agreement a = compare(
                "F32 rope yarn x4",
                GgmlType.F32,
                w -> {
                    w.put("llama.rope.scaling.type", GgufValue.string("yarn"));
                    w.put("llama.rope.scaling.factor", GgufValue.float32(4));
                    w.put("llama.rope.scaling.original_context_length", GgufValue.uint32(128));
                },
                true);
        assertThat(a.identical()).isEqualTo(PROMPTS.length);
    }

    @Test
    void attentionBiasesAreIdenticalToLlamaCpp() {
        // Every layer gets q, k, v and output biases (dim 256, KV dim 64), as some Llama-architecture files carry.
        Agreement a = compare("F32 attention biases", GgmlType.F32, w -> biases(w, true), true);
        assertThat(a.identical()).isEqualTo(PROMPTS.length);
    }

    @Test
    void qwen2IsIdenticalToLlamaCpp() {
        // qwen2: Q/K/V biases, NEOX rotary embeddings, a byte-level BPE vocabulary with Qwen2's pre-tokenizer.
        Agreement a = compare(
                "F32 qwen2",
                RandomLlamaGguf.Spec.small(42).withByteLevelBpe(),
                "qwen2",
                GgmlType.F32,
                w -> {
                    biases(w, false);
                    w.put("tokenizer.ggml.pre", GgufValue.string("qwen2"));
                    w.put("qwen2.rope.freq_base", GgufValue.float32(1_000_000));
                },
                true);
        assertThat(a.identical()).isEqualTo(PROMPTS.length);
    }

    @Test
    void aHeadSizeOfItsOwnIsIdenticalToLlamaCpp() {
        // key_length 64 with dim 256 and 8 heads: queries and attention output 512 wide, as Qwen3 and some Llamas.
        Agreement a =
                compare("F32 head size 64", RandomLlamaGguf.Spec.small(42), "llama", 64, GgmlType.F32, w -> {}, true);
        assertThat(a.identical()).isEqualTo(PROMPTS.length);
    }

    @Test
    void phi3IsIdenticalToLlamaCpp() {
        // phi3: Q/K/V fused into attn_qkv, gate and up into ffn_up, NEOX rotary embeddings, and a sliding window of
        // 48 positions, which every answer runs past: llama.cpp b4916 does not apply it for phi3, nor does the engine
        // (applying it, the answers part at the window's edge).
        Agreement a = compare("F32 phi3", RandomLlamaGguf.Spec.small(42), "phi3", GgmlType.F32, w -> phi3(w, 48), true);
        assertThat(a.identical()).isEqualTo(PROMPTS.length);
    }

    /** Gemma 2 2B's layer count (llama.cpp knows the model size, and so the query scale, only from it). */
    static final RandomLlamaGguf.Spec GEMMA2 = new RandomLlamaGguf.Spec(128, 256, 26, 4, 2, 1024, 512, 42, false);

    @Test
    void gemma2IsIdenticalToLlamaCpp() {
        // Embeddings scaled by √dim, heads of 64 (heads × head size = 256 ≠ dim 128), queries scaled before the
        // product, attention scores soft-capped at 2 (so the cap bends them), final logits at the default 30, even
        // layers over a sliding window of 24 positions (every answer runs past it), GELU through ggml's half table,
        // norms after attention and after the feed-forward, output tied to the embedding, NEOX rotary embeddings.
        Agreement a = compare("F32 gemma2", GEMMA2, "gemma2", 64, GgmlType.F32, w -> gemma2(w, 24), true);
        assertThat(a.identical()).isEqualTo(PROMPTS.length);
    }

    /**
     * Rewrites the random llama as Gemma 2 stores it: post-norms added, the output tied to the embedding. A tied
     * output cannot give control and byte tokens their negative bias through a separate matrix, so the embedding's
     * constant channel does it: 1 for word tokens, -8 for the others (whose remaining channels are made small), which
     * keeps greedy answers to word tokens as the comparison of pieces needs. The post-norms have gains of about 60,
     * so the layers outweigh the embedding in the last hidden state; otherwise the tied output echoes the input token.
     */
    static void gemma2(GgufWriter w, int slidingWindow) {
        java.util.Random rnd = new java.util.Random(11);
        int dim = GEMMA2.dim();
        int vocab = GEMMA2.vocabSize();
        float[] embedding = new float[vocab * dim];
        for (int t = 0; t < vocab; t++) {
            boolean word = t >= RandomLlamaGguf.FIRST_WORD_TOKEN;
            for (int i = 1; i < dim; i++) {
                embedding[t * dim + i] = (float) rnd.nextGaussian() * (word ? 1f : 0.1f);
            }
            embedding[t * dim] = word ? 1f : -8f;
        }
        w.removeTensor("output.weight");
        w.removeTensor("token_embd.weight");
        w.addTensor("token_embd.weight", GgmlType.F32, new long[] {dim, vocab}, embedding);
        for (int l = 0; l < GEMMA2.layers(); l++) {
            for (String norm : List.of("post_attention_norm", "post_ffw_norm")) {
                float[] weights = new float[dim];
                for (int i = 0; i < dim; i++) {
                    weights[i] = 60f * (1f + (float) rnd.nextGaussian() * 0.1f);
                }
                w.addTensor("blk." + l + "." + norm + ".weight", GgmlType.F32, new long[] {dim}, weights);
            }
        }
        w.put("gemma2.attention.sliding_window", GgufValue.uint32(slidingWindow));
        w.put("gemma2.attn_logit_softcapping", GgufValue.float32(2.0));
    }

    /** Rewrites the random llama's layers as phi3 stores them. */
    static void phi3(GgufWriter w, int slidingWindow) {
        for (int l = 0; l < 4; l++) {
            String p = "blk." + l + ".";
            w.fuse(p + "attn_qkv.weight", p + "attn_q.weight", p + "attn_k.weight", p + "attn_v.weight");
            w.fuse(p + "ffn_up.weight", p + "ffn_gate.weight", p + "ffn_up.weight");
        }
        w.put("phi3.attention.sliding_window", GgufValue.uint32(slidingWindow));
    }

    private static void biases(GgufWriter w, boolean output) {
        java.util.Random rnd = new java.util.Random(5);
        for (int l = 0; l < 4; l++) {
            String p = "blk." + l + ".";
            w.addTensor(p + "attn_q.bias", GgmlType.F32, new long[] {256}, gaussian(rnd, 256, 0.1f));
            w.addTensor(p + "attn_k.bias", GgmlType.F32, new long[] {64}, gaussian(rnd, 64, 0.1f));
            w.addTensor(p + "attn_v.bias", GgmlType.F32, new long[] {64}, gaussian(rnd, 64, 0.1f));
            if (output) {
                w.addTensor(p + "attn_output.bias", GgmlType.F32, new long[] {256}, gaussian(rnd, 256, 0.02f));
            }
        }
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
