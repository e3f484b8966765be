package io.quantwatch.engine.tokenizer;

import io.quantwatch.engine.gguf.GgufFile;
import io.quantwatch.engine.gguf.GgufFormatException;
import io.quantwatch.engine.gguf.GgufValue;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/** Builds the tokenizer a GGUF file describes in its tokenizer.ggml.* metadata. */
public final class GgufTokenizers {
    private GgufTokenizers() {}

    public static Tokenizer fromGguf(GgufFile file) {
        String model = file.requireString("tokenizer.ggml.model");
        List<?> tokenList = file.require("tokenizer.ggml.tokens").asList();
        int n = tokenList.size();
        String[] tokens = new String[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = (String) tokenList.get(i);
        }
        float[] scores = new float[n];
        GgufValue scoreValue = file.metadata().get("tokenizer.ggml.scores");
        if (scoreValue != null) {
            List<?> s = scoreValue.asList();
            requireLength(file, "tokenizer.ggml.scores", s.size(), n);
            for (int i = 0; i < n; i++) {
                scores[i] = ((Number) s.get(i)).floatValue();
            }
        }
        int[] types = new int[n];
        Arrays.fill(types, Vocabulary.NORMAL);
        GgufValue typeValue = file.metadata().get("tokenizer.ggml.token_type");
        if (typeValue != null) {
            List<?> t = typeValue.asList();
            requireLength(file, "tokenizer.ggml.token_type", t.size(), n);
            for (int i = 0; i < n; i++) {
                types[i] = ((Number) t.get(i)).intValue();
            }
        }
        switch (model) {
            case "llama" -> {
                int eos = (int) file.longOr("tokenizer.ggml.eos_token_id", 2);
                BitSet end = endOfGeneration(file, tokens, types, eos); // rewrites types first
                Vocabulary v = new Vocabulary(
                        tokens,
                        scores,
                        types,
                        (int) file.longOr("tokenizer.ggml.bos_token_id", 1),
                        eos,
                        (int) file.longOr("tokenizer.ggml.unknown_token_id", 0),
                        file.boolOr("tokenizer.ggml.add_bos_token", true),
                        end);
                return new SentencePieceTokenizer(v, file.boolOr("tokenizer.ggml.add_space_prefix", true));
            }
            case "gpt2" -> {
                int eos = (int) file.longOr("tokenizer.ggml.eos_token_id", 11);
                BitSet end = endOfGeneration(file, tokens, types, eos); // rewrites types first
                Vocabulary v = new Vocabulary(
                        tokens,
                        scores,
                        types,
                        (int) file.longOr("tokenizer.ggml.bos_token_id", 11),
                        eos,
                        (int) file.longOr("tokenizer.ggml.unknown_token_id", -1),
                        file.boolOr("tokenizer.ggml.add_bos_token", false),
                        end);
                List<?> mergeList = file.require("tokenizer.ggml.merges").asList();
                List<String> merges = mergeList.stream().map(String.class::cast).toList();
                String pre = file.metadata().containsKey("tokenizer.ggml.pre")
                        ? file.requireString("tokenizer.ggml.pre")
                        : "default";
                try {
                    return new ByteLevelBpeTokenizer(v, merges, pre);
                } catch (IllegalArgumentException e) {
                    throw new GgufFormatException(file.path(), e.getMessage());
                }
            }
            default ->
                throw new GgufFormatException(
                        file.path(),
                        "tokenizer.ggml.model '" + model
                                + "' is not supported (supported: llama = SentencePiece, gpt2 = byte-level BPE)");
        }
    }

    /** Applies llama.cpp's load-time type overrides and returns the tokens that end a generation. */
    private static BitSet endOfGeneration(GgufFile file, String[] tokens, int[] types, int eos) {
        return LlamaCppTypeOverrides.apply(
                tokens, types, eos, (int) file.longOr("tokenizer.ggml.eot_token_id", -1), (int)
                        file.longOr("tokenizer.ggml.eom_token_id", -1));
    }

    private static void requireLength(GgufFile file, String key, int actual, int expected) {
        if (actual != expected) {
            throw new GgufFormatException(
                    file.path(), key + " has " + actual + " entries but tokenizer.ggml.tokens has " + expected);
        }
    }
}
