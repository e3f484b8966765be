package io.quantwatch.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.gguf.GgufValue;
import io.quantwatch.engine.gguf.GgufWriter;
import io.quantwatch.engine.tokenizer.HfGgufVocabulary;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 2026 families against the current llama.cpp (5b4ebc5): seeded random weights in each family's layout with its
 * real vocabulary (converted from the npm tokenizer packages as llama.cpp's converter does), 128 greedy tokens on six
 * prompts each, token id for token id.
 */
class FamilyLlamaCppAgreementTest {
    @TempDir
    static Path dir;

    /** English, JSON with a tool call, code, CJK, numbers and emoji: every prompt tokenized as llama.cpp does first. */
    private static List<String> prompts(String familyText) {
        return List.of(
                "the quick brown fox",
                "{\"name\": \"transfer\", \"arguments\": {\"amount\": 2791.45, \"currency\": \"EUR\"}}",
                "def total(xs):\n    return sum(x * 1.19 for x in xs)",
                "東京タワーの高さは何メートルですか？",
                "Order #A1B2C3 🚀 ships on 2026-12-08 at 10:30",
                familyText);
    }

    /** A random model of {@code spec} under {@code arch}, its vocabulary replaced by the family's real one. */
    private static Path write(
            String label,
            RandomLlamaGguf.Spec spec,
            String arch,
            int headDim,
            HfGgufVocabulary vocabulary,
            Consumer<GgufWriter> family) {
        Path file = dir.resolve(label + ".gguf");
        RandomLlamaGguf.write(spec, GgmlType.F32, file, arch, headDim, w -> {
            vocabulary.writeTo(w);
            family.accept(w);
        });
        return file;
    }

    private static float[] norms(Random rnd, int n, float gain) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = gain * (1f + (float) rnd.nextGaussian() * 0.1f);
        }
        return a;
    }

    /** Per-head query and key norm weights on every layer. */
    private static void queryKeyNorms(GgufWriter w, int layers, int headDim, Random rnd) {
        for (int l = 0; l < layers; l++) {
            w.addTensor(
                    "blk." + l + ".attn_q_norm.weight", GgmlType.F32, new long[] {headDim}, norms(rnd, headDim, 1f));
            w.addTensor(
                    "blk." + l + ".attn_k_norm.weight", GgmlType.F32, new long[] {headDim}, norms(rnd, headDim, 1f));
        }
    }

    @Test
    void qwen3IsIdenticalToLlamaCpp() {
        // Qwen3: per-head Q/K RMS norms before a NEOX rotation, heads of key_length 32 (4 × 32 = 128 ≠ dim 96), base
        // 1 000 000, and Qwen3's own vocabulary of 151 936 tokens with <think> and <tool_call> as user-defined tokens.
        HfGgufVocabulary vocabulary =
                HfGgufVocabulary.byteLevelBpe(HfGgufVocabulary.npmPackage("qwen3"), "qwen2", 151_936);
        RandomLlamaGguf.Spec spec = new RandomLlamaGguf.Spec(96, 192, 4, 4, 2, 151_936, 512, 3, false);
        Path file = write("qwen3", spec, "qwen3", 32, vocabulary, w -> {
            queryKeyNorms(w, spec.layers(), 32, new Random(31));
            w.put("qwen3.rope.freq_base", GgufValue.float32(1_000_000));
            w.put("qwen3.attention.layer_norm_rms_epsilon", GgufValue.float32(1e-6));
        });
        LlamaCppAgreementTest.Agreement a = LlamaCppAgreementTest.compare(
                "F32 qwen3",
                file,
                prompts(
                        "<think>\nThe user wants 2791.45 - 279.45.</think>\n<tool_call>\n{\"name\": \"calc\"}\n</tool_call>"),
                true);
        assertThat(a.identical()).isEqualTo(6);
    }

    @Test
    void gemma3IsIdenticalToLlamaCpp() {
        // Gemma 3: embeddings × √dim, per-head Q/K norms, queries × 1/√head size after the rotation, no attention
        // soft-cap, 7 layers of which 0–4 and 6 slide over 24 positions (every answer runs past them) rotating with
        // base
        // 10 000 and layer 5 attends over everything with base 1 000 000 and linear scaling ×8, GELU, post-norms, the
        // output tied to the embedding, and Gemma 3's vocabulary of 262 208 tokens (whitespace runs and HTML tags
        // user-defined).
        HfGgufVocabulary vocabulary = HfGgufVocabulary.sentencePiece(HfGgufVocabulary.npmPackage("gemma3"), 262_208);
        RandomLlamaGguf.Spec spec = new RandomLlamaGguf.Spec(64, 128, 7, 4, 2, 262_208, 512, 5, false);
        Path file = write("gemma3", spec, "gemma3", 32, vocabulary, w -> {
            gemmaLayout(w, spec, new Random(13));
            queryKeyNorms(w, spec.layers(), 32, new Random(17));
            w.put("gemma3.attention.sliding_window", GgufValue.uint32(24));
            w.put("gemma3.rope.freq_base", GgufValue.float32(1_000_000));
            w.put("gemma3.rope.freq_base_swa", GgufValue.float32(10_000));
            w.put("gemma3.rope.scaling.type", GgufValue.string("linear"));
            w.put("gemma3.rope.scaling.factor", GgufValue.float32(8));
            w.put("gemma3.attention.layer_norm_rms_epsilon", GgufValue.float32(1e-6));
        });
        LlamaCppAgreementTest.Agreement a = LlamaCppAgreementTest.compare(
                "F32 gemma3",
                file,
                prompts("<table><tr><td>2791.45</td></tr></table>\n\n\n  indented    by spaces"),
                true);
        assertThat(a.identical()).isEqualTo(6);
    }

    @Test
    void llama31AndLlama32RopeScalingIsIdenticalToLlamaCpp() {
        // Llama 3.1 (factor 8) and 3.2 (factor 32): rope_freqs.weight as the converter computes it from rope_scaling
        // (low 1, high 4, original context 8192), base 500 000, and Llama 3.1's vocabulary of 128 256 tokens.
        HfGgufVocabulary vocabulary =
                HfGgufVocabulary.byteLevelBpe(HfGgufVocabulary.npmPackage("llama3_1"), "llama-bpe", 128_256);
        RandomLlamaGguf.Spec spec = new RandomLlamaGguf.Spec(128, 256, 4, 4, 2, 128_256, 512, 9, false);
        for (int factor : new int[] {8, 32}) {
            float[] factors = llama3RopeFactors(500_000, 32, factor, 1, 4, 8192);
            Path file = write("llama3-x" + factor, spec, "llama", 0, vocabulary, w -> {
                w.addTensor("rope_freqs.weight", GgmlType.F32, new long[] {factors.length}, factors);
                w.put("llama.rope.freq_base", GgufValue.float32(500_000));
            });
            LlamaCppAgreementTest.Agreement a = LlamaCppAgreementTest.compare(
                    "F32 llama 3 rope x" + factor,
                    file,
                    prompts("<|start_header_id|>user<|end_header_id|> stays text"),
                    true);
            assertThat(a.identical()).as("factor %d", factor).isEqualTo(6);
        }
    }

    /** The converter's llama3 rope factors (conversion/llama.py, generate_extra_tensors). */
    static float[] llama3RopeFactors(
            double base, int headDim, double factor, double low, double high, double originalContext) {
        float[] out = new float[headDim / 2];
        double lowWavelength = originalContext / low;
        double highWavelength = originalContext / high;
        for (int i = 0; i < out.length; i++) {
            float freq = (float) (1.0 / Math.pow(base, (2.0 * i) / headDim));
            double wavelength = 2 * Math.PI / freq;
            if (wavelength < highWavelength) {
                out[i] = 1f;
            } else if (wavelength > lowWavelength) {
                out[i] = (float) factor;
            } else {
                double smooth = (originalContext / wavelength - low) / (high - low);
                out[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return out;
    }

    /**
     * Gemma's layout on the random llama, as {@link LlamaCppAgreementTest#gemma2} writes it: post-norms of gain ~60, the
     * output tied to an embedding whose constant channel keeps the first 259 tokens (Gemma's control tokens, EOS and
     * end of turn among them) out of greedy answers.
     */
    static void gemmaLayout(GgufWriter w, RandomLlamaGguf.Spec spec, Random rnd) {
        int dim = spec.dim();
        int vocab = spec.vocabSize();
        w.removeTensor("output.weight");
        w.removeTensor("token_embd.weight");
        w.addTensor("token_embd.weight", GgmlType.F32, new long[] {dim, vocab}, () -> {
            float[] embedding = new float[vocab * dim];
            for (int t = 0; t < vocab; t++) {
                boolean word = t >= RandomLlamaGguf.FIRST_WORD_TOKEN;
                for (int i = 1; i < dim; i++) {
                    embedding[t * dim + i] = (float) rnd.nextGaussian() * (word ? 1f : 0.1f);
                }
                embedding[t * dim] = word ? 1f : -8f;
            }
            return embedding;
        });
        for (int l = 0; l < spec.layers(); l++) {
            for (String norm : List.of("post_attention_norm", "post_ffw_norm")) {
                w.addTensor("blk." + l + "." + norm + ".weight", GgmlType.F32, new long[] {dim}, norms(rnd, dim, 60f));
            }
        }
    }
}
