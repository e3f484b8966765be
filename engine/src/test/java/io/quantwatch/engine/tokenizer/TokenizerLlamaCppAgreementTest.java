package io.quantwatch.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.gguf.GgufValue;
import io.quantwatch.engine.gguf.GgufValueType;
import io.quantwatch.engine.gguf.GgufWriter;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.model.RandomLlamaGguf;
import io.quantwatch.llamacpp.LlamaCppModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our SentencePiece and byte-level BPE tokenizers give the current llama.cpp's token ids on varied text. */
class TokenizerLlamaCppAgreementTest {
    static final List<String> TEXTS = List.of(
            "Hello, world!",
            " leading space",
            "trailing space ",
            "two  spaces   three",
            "tabs\tand\nnewlines\n\n",
            "{\"tool\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\", \"days\": 3}}",
            "naïve café résumé",
            "e\u0301 combining acute",
            "emoji 😀👍🏽 and 🇫🇷 flags",
            "中文 日本語 한국어",
            "Ответь одним предложением.",
            "snake_case camelCase HTTPServer 3.14159 -42",
            "the quick brown fox jumps over the lazy dog",
            "'s 're 've it's I'll",
            "a",
            "   ",
            "12345678 3.14159 -42 1,000,000",
            "Call 555-0123 at 10:30, ref #A1B2C3; total $1,234.56 (+7%) <a|b> ^~",
            "x=[1,22,333,4444,55555] \n\n  9876543210\t٣٤٥ Ⅻ",
            // deepseek-llm's explicit ranges: full-width punctuation and letters, an ideographic space, Greek.
            "全角！\u3000！标点，测试。 ώρα Ωmega ｆｕｌｌ１２３ 2024年11月28日",
            "v1.2.3 0x1F 00042 3000000000 line\r\nbreak \u00a0 \u2003end  ");

    @TempDir
    Path dir;

    private static final RandomLlamaGguf.Spec BPE =
            new RandomLlamaGguf.Spec(64, 128, 1, 2, 1, 600, 128, 3, false).withByteLevelBpe();

    private void assertAgreement(RandomLlamaGguf.Spec spec) {
        assertAgreement(spec, null);
    }

    /** {@code pre}: the tokenizer.ggml.pre written into the file (null: the writer's own). */
    private void assertAgreement(RandomLlamaGguf.Spec spec, String pre) {
        assertAgreement(writeModel(spec, pre, w -> {}), pre);
    }

    private Path writeModel(RandomLlamaGguf.Spec spec, String pre, Consumer<GgufWriter> extra) {
        Path file = dir.resolve((spec.byteLevelBpe() ? "bpe" : "spm") + (pre == null ? "" : "-" + pre) + ".gguf");
        RandomLlamaGguf.write(spec, GgmlType.F32, file, w -> {
            if (pre != null) {
                w.put("tokenizer.ggml.pre", GgufValue.string(pre));
            }
            extra.accept(w);
        });
        return file;
    }

    /**
     * A vocabulary learned from the test texts themselves (multi-digit, CJK, Greek and full-width merges), so
     * pre-tokenizers that cut those texts differently give different ids.
     */
    private static void vocabularyOfTheTexts(GgufWriter w) {
        ByteLevelBpeTrainer.Result r = ByteLevelBpeTrainer.train(
                Collections.nCopies(3, String.join(" ", TEXTS)), 590, List.of("<|bos|>", "<|eos|>"));
        List<String> tokens = new ArrayList<>(r.tokens());
        List<String> merges = new ArrayList<>(r.merges());
        // A word no GPT-2-split text teaches. llama.cpp's deepseek-llm keeps "\u3000！" of "！\u3000！" in one piece:
        // it turns the ideographic space into \v first, so neither the punctuation range nor the CJK range
        // U+0800-U+4E00 (which contains U+3000) cuts it off. This word forms only if a tokenizer does the same.
        addWord("\u3000！", tokens, merges);
        while (tokens.size() < 600) {
            tokens.add("<|unused" + tokens.size() + "|>");
        }
        w.put("tokenizer.ggml.tokens", GgufValue.array(GgufValueType.STRING, tokens));
        w.put("tokenizer.ggml.merges", GgufValue.array(GgufValueType.STRING, merges));
    }

    /** Adds the merges (first priority, left to right) and tokens that spell the word from its bytes. */
    private static void addWord(String word, List<String> tokens, List<String> merges) {
        StringBuilder spelled = new StringBuilder();
        int rank = 0;
        for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
            String symbol = String.valueOf(ByteLevelBpeTokenizer.byteToChar(b & 0xFF));
            if (!spelled.isEmpty()) {
                merges.add(rank++, spelled + " " + symbol);
            }
            spelled.append(symbol);
            if (!tokens.contains(spelled.toString())) {
                tokens.add(spelled.toString());
            }
        }
    }

    private void assertAgreement(Path file, String what) {
        LlamaModel model = LlamaModel.load(file);
        try (LlamaCppModel llama = LlamaCppModel.loadVocabulary(file)) {
            for (String text : TEXTS) {
                int[] ours = model.tokenizer().encode(text, false);
                assertThat(ours)
                        .as("%s: tokens of %s", what, text)
                        .containsExactly(llama.tokenize(text.getBytes(StandardCharsets.UTF_8), false, false));
            }
        }
    }

    @Test
    void sentencePieceMatchesLlamaCpp() {
        assertAgreement(new RandomLlamaGguf.Spec(64, 128, 1, 2, 1, 1024, 128, 3, false));
    }

    @Test
    void byteLevelBpeMatchesLlamaCpp() {
        assertAgreement(new RandomLlamaGguf.Spec(64, 128, 1, 2, 1, 600, 128, 3, false).withByteLevelBpe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "llama-bpe", "llama3", "qwen2", "smollm", "deepseek-llm"})
    void byteLevelBpePreTokenizersMatchLlamaCpp(String pre) {
        assertAgreement(BPE, pre);
        assertAgreement(
                writeModel(BPE, pre, TokenizerLlamaCppAgreementTest::vocabularyOfTheTexts), pre + ", own vocabulary");
    }

    /** The agreement above can fail: on the texts' own vocabulary every pair of pre-tokenizers gives different ids. */
    @Test
    void preTokenizersCutTheTextsDifferently() {
        List<String> pres = List.of("gpt-2", "default", "llama-bpe", "qwen2", "smollm", "deepseek-llm");
        Map<String, List<List<Integer>>> ids = new LinkedHashMap<>();
        for (String pre : pres) {
            LlamaModel model =
                    LlamaModel.load(writeModel(BPE, pre, TokenizerLlamaCppAgreementTest::vocabularyOfTheTexts));
            ids.put(
                    pre,
                    TEXTS.stream()
                            .map(t -> Arrays.stream(model.tokenizer().encode(t, false))
                                    .boxed()
                                    .toList())
                            .toList());
        }
        for (int a = 0; a < pres.size(); a++) {
            for (int b = a + 1; b < pres.size(); b++) {
                assertThat(ids.get(pres.get(a)))
                        .as("%s vs %s", pres.get(a), pres.get(b))
                        .isNotEqualTo(ids.get(pres.get(b)));
            }
        }
    }
}
