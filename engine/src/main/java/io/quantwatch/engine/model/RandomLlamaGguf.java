package io.quantwatch.engine.model;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.gguf.GgufValue;
import io.quantwatch.engine.gguf.GgufValueType;
import io.quantwatch.engine.gguf.GgufWriter;
import io.quantwatch.engine.tokenizer.Vocabulary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Writes seeded random-weight Llama models as GGUF, with a SentencePiece vocabulary of invented
 * words: test subjects and benchmark models no one has to download.
 *
 * <p>The weights are random but the model is made decisive and well-behaved: logits have a spread
 * of several nats so the greedy choice is stable under float rounding, and residual channel 0 is
 * held constant (zero rows in the output projections) so that the output layer can give control
 * and byte tokens a large negative bias. Greedy decodes therefore emit only word tokens, whose
 * text identifies them, which lets llama.cpp's streamed pieces be compared token by token.
 */
public final class RandomLlamaGguf {

    /** Model shape and seed. */
    public record Spec(
            int dim,
            int hiddenDim,
            int layers,
            int heads,
            int kvHeads,
            int vocabSize,
            int contextLength,
            long seed,
            boolean byteLevelBpe) {

        /** dim 256, 4 layers, GQA 8/2, about 1 000 tokens: the oracle test model. */
        public static Spec small(long seed) {
            return new Spec(256, 768, 4, 8, 2, 1024, 512, seed, false);
        }

        /**
         * The shape of Llama 3.2 1B (dim 2048, 16 layers, GQA 32/8, ffn 8192, 128 256 tokens): 1.5 G parameters, 1.24 G
         * with the output tied to the embedding as Llama 3.2 does (remove {@code output.weight} in the writer's extra
         * step), 2.5 GB in F16: the big-file benchmark's model (written on the fly, never committed).
         */
        public static Spec oneBillion(long seed) {
            return new Spec(2048, 8192, 16, 32, 8, 128_256, 2048, seed, false);
        }

        /** dim 512, 6 layers, GQA 8/4, 8 192 tokens: about 27 M parameters, the benchmark model. */
        public static Spec benchmark(long seed) {
            return new Spec(512, 1536, 6, 8, 4, 8192, 1024, seed, false);
        }

        /** The same shape with a GPT-2 style byte-level BPE vocabulary instead of SentencePiece. */
        public Spec withByteLevelBpe() {
            return new Spec(dim, hiddenDim, layers, heads, kvHeads, vocabSize, contextLength, seed, true);
        }
    }

    private static final int FIRST_BYTE_TOKEN = 3;
    /** The first word token of the SentencePiece vocabulary: ids below are control and byte tokens. */
    static final int FIRST_WORD_TOKEN = FIRST_BYTE_TOKEN + 256;

    private RandomLlamaGguf() {}

    /** Writes the model with its matrices in {@code type}; norms are always F32. */
    public static void write(Spec spec, GgmlType type, Path file) {
        write(spec, type, file, w -> {});
    }

    /** As {@link #write(Spec, GgmlType, Path)}, with {@code extra} adding keys or tensors before the file is written. */
    public static void write(Spec spec, GgmlType type, Path file, java.util.function.Consumer<GgufWriter> extra) {
        write(spec, type, file, "llama", extra);
    }

    /**
     * As {@link #write(Spec, GgmlType, Path, java.util.function.Consumer)} under another Llama-shaped architecture
     * name ({@code qwen2}): the same tensors, hyper-parameters under {@code arch.*}.
     */
    public static void write(
            Spec spec, GgmlType type, Path file, String arch, java.util.function.Consumer<GgufWriter> extra) {
        write(spec, type, file, arch, 0, extra);
    }

    /**
     * With {@code headDim} > 0, heads of that size ({@code key_length}/{@code value_length}; heads × head size need not
     * equal dim, as in Qwen3), else dim / heads.
     */
    public static void write(
            Spec spec,
            GgmlType type,
            Path file,
            String arch,
            int headDim,
            java.util.function.Consumer<GgufWriter> extra) {
        Random rnd = new Random(spec.seed());
        int head = headDim > 0 ? headDim : spec.dim() / spec.heads();
        GgufWriter w = new GgufWriter();
        String a = arch + ".";
        w.put("general.architecture", GgufValue.string(arch));
        w.put(
                "general.name",
                GgufValue.string("quantwatch-random-" + spec.dim() + "x" + spec.layers() + "-seed" + spec.seed()));
        w.put(a + "context_length", GgufValue.uint32(spec.contextLength()));
        w.put(a + "embedding_length", GgufValue.uint32(spec.dim()));
        w.put(a + "block_count", GgufValue.uint32(spec.layers()));
        w.put(a + "feed_forward_length", GgufValue.uint32(spec.hiddenDim()));
        w.put(a + "attention.head_count", GgufValue.uint32(spec.heads()));
        w.put(a + "attention.head_count_kv", GgufValue.uint32(spec.kvHeads()));
        w.put(a + "rope.dimension_count", GgufValue.uint32(head));
        if (headDim > 0) {
            w.put(a + "attention.key_length", GgufValue.uint32(head));
            w.put(a + "attention.value_length", GgufValue.uint32(head));
        }
        w.put(a + "rope.freq_base", GgufValue.float32(10000.0));
        w.put(a + "attention.layer_norm_rms_epsilon", GgufValue.float32(1e-5));
        List<String> tokens;
        int firstWordToken;
        if (spec.byteLevelBpe()) {
            ByteLevelBpeVocabulary bpe = ByteLevelBpeVocabulary.train(spec.vocabSize());
            tokens = bpe.tokens();
            firstWordToken = 2;
            w.put("tokenizer.ggml.model", GgufValue.string("gpt2"));
            w.put("tokenizer.ggml.pre", GgufValue.string("gpt-2"));
            w.put("tokenizer.ggml.merges", GgufValue.array(GgufValueType.STRING, bpe.merges()));
        } else {
            tokens = vocabulary(spec.vocabSize(), new Random(spec.seed() ^ 0x5DEECE66DL));
            firstWordToken = FIRST_WORD_TOKEN;
            w.put("tokenizer.ggml.model", GgufValue.string("llama"));
        }
        int n = tokens.size();
        w.put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, tokens));
        List<Double> scores = new ArrayList<>();
        List<Long> types = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            scores.add(i < firstWordToken ? 0.0 : -0.01 * (i - firstWordToken));
            int tokenType;
            if (spec.byteLevelBpe()) {
                tokenType = i < firstWordToken ? Vocabulary.CONTROL : Vocabulary.NORMAL;
            } else {
                tokenType = i == 0
                        ? Vocabulary.UNKNOWN
                        : i < FIRST_BYTE_TOKEN
                                ? Vocabulary.CONTROL
                                : i < FIRST_WORD_TOKEN ? Vocabulary.BYTE : Vocabulary.NORMAL;
            }
            types.add((long) tokenType);
        }
        w.put("tokenizer.ggml.scores", GgufValue.array(GgufValueType.FLOAT32, scores));
        w.put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, types));
        w.put("tokenizer.ggml.bos_token_id", GgufValue.uint32(spec.byteLevelBpe() ? 0 : 1));
        w.put("tokenizer.ggml.eos_token_id", GgufValue.uint32(spec.byteLevelBpe() ? 1 : 2));
        if (!spec.byteLevelBpe()) {
            w.put("tokenizer.ggml.unknown_token_id", GgufValue.uint32(0));
        }
        w.put("tokenizer.ggml.add_bos_token", GgufValue.bool(true));
        w.put("tokenizer.ggml.add_eos_token", GgufValue.bool(false));

        int dim = spec.dim();
        int kvDim = spec.kvHeads() * head;
        int qDim = spec.heads() * head;
        int hidden = spec.hiddenDim();
        // Tensors are generated when the file is written, one at a time and in this order (so the seed's stream is
        // consumed as it always was): a billion-parameter model never has to fit the heap at once.
        w.addTensor("token_embd.weight", type, new long[] {dim, n}, () -> {
            float[] embedding = gaussian(rnd, n * dim, 1.0f);
            for (int t = 0; t < n; t++) {
                embedding[t * dim] = 1.0f; // the constant channel
            }
            return embedding;
        });
        for (int l = 0; l < spec.layers(); l++) {
            String p = "blk." + l + ".";
            float inStd = (float) (1 / Math.sqrt(dim));
            w.addTensor(p + "attn_norm.weight", GgmlType.F32, new long[] {dim}, () -> norm(rnd, dim));
            w.addTensor(p + "attn_q.weight", type, new long[] {dim, qDim}, () -> gaussian(rnd, qDim * dim, inStd));
            w.addTensor(p + "attn_k.weight", type, new long[] {dim, kvDim}, () -> gaussian(rnd, kvDim * dim, inStd));
            w.addTensor(p + "attn_v.weight", type, new long[] {dim, kvDim}, () -> gaussian(rnd, kvDim * dim, inStd));
            w.addTensor(p + "attn_output.weight", type, new long[] {qDim, dim}, () -> {
                float[] wo = gaussian(rnd, dim * qDim, (float) (0.5 / Math.sqrt(qDim)));
                Arrays.fill(wo, 0, qDim, 0f); // row 0 writes the constant channel: keep it zero
                return wo;
            });
            w.addTensor(p + "ffn_norm.weight", GgmlType.F32, new long[] {dim}, () -> norm(rnd, dim));
            w.addTensor(
                    p + "ffn_gate.weight", type, new long[] {dim, hidden}, () -> gaussian(rnd, hidden * dim, inStd));
            w.addTensor(p + "ffn_up.weight", type, new long[] {dim, hidden}, () -> gaussian(rnd, hidden * dim, inStd));
            w.addTensor(p + "ffn_down.weight", type, new long[] {hidden, dim}, () -> {
                float[] down = gaussian(rnd, dim * hidden, (float) (0.5 / Math.sqrt(hidden)));
                Arrays.fill(down, 0, hidden, 0f);
                return down;
            });
        }
        w.addTensor("output_norm.weight", GgmlType.F32, new long[] {dim}, () -> {
            float[] outNorm = norm(rnd, dim);
            outNorm[0] = 1f;
            return outNorm;
        });
        w.addTensor("output.weight", type, new long[] {dim, n}, () -> {
            float[] output = gaussian(rnd, n * dim, (float) (4.0 / Math.sqrt(dim)));
            for (int t = 0; t < n; t++) {
                // Control and byte tokens get a large negative bias through the constant channel.
                output[t * dim] = t < firstWordToken ? -60f : 0f;
            }
            return output;
        });
        extra.accept(w);
        w.write(file);
    }

    /** Tensors above this many values (only the 1B shape has them) are drawn uniformly: see {@link #gaussian}. */
    private static final int LARGE_TENSOR = 8_000_000;

    /**
     * Normal values of standard deviation {@code std}; a tensor above {@link #LARGE_TENSOR} values gets uniform ones
     * of the same deviation instead, because nextGaussian made writing a 1B-shaped model take minutes.
     */
    private static float[] gaussian(Random rnd, int n, float std) {
        float[] a = new float[n];
        if (n > LARGE_TENSOR) {
            float halfWidth = (float) (std * Math.sqrt(3));
            for (int i = 0; i < n; i++) {
                a[i] = (2 * rnd.nextFloat() - 1) * halfWidth;
            }
            return a;
        }
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * std);
        }
        return a;
    }

    private static float[] norm(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = 1f + (float) (rnd.nextGaussian() * 0.1);
        }
        return a;
    }

    /**
     * Special tokens, 256 byte tokens, single characters, then invented words with every prefix
     * (so the SentencePiece merge can reach each word pair by pair), until {@code size}.
     */
    static List<String> vocabulary(int size, Random rnd) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
        }
        Set<String> words = new LinkedHashSet<>();
        for (char ch :
                "\u2581abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;!?'\"{}[]()-_=+*/\\<>@#$%&"
                        .toCharArray()) {
            words.add(String.valueOf(ch));
        }
        String[] onsets = {
            "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "st", "tr", "ch",
            "sh", "th"
        };
        String[] vowels = {"a", "e", "i", "o", "u", "ai", "ou", "ea"};
        while (tokens.size() + words.size() < size) {
            StringBuilder word = new StringBuilder(rnd.nextInt(4) == 0 ? "" : "\u2581");
            int syllables = 1 + rnd.nextInt(3);
            for (int s = 0; s < syllables; s++) {
                word.append(onsets[rnd.nextInt(onsets.length)]).append(vowels[rnd.nextInt(vowels.length)]);
            }
            for (int len = 2; len <= word.length() && tokens.size() + words.size() < size; len++) {
                words.add(word.substring(0, len));
            }
        }
        tokens.addAll(words);
        return tokens;
    }
}
