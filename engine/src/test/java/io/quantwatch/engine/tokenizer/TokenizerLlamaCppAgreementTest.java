package io.quantwatch.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.gguf.GgufValue;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.model.RandomLlamaGguf;
import io.quantwatch.oracle.LlamaCppOracle;
import io.quantwatch.oracle.OracleRequest;
import io.quantwatch.oracle.OracleResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our SentencePiece and byte-level BPE tokenizers give llama.cpp's token ids on varied text. */
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
            "x=[1,22,333,4444,55555] \n\n  9876543210\t٣٤٥ Ⅻ");

    @TempDir
    Path dir;

    private void assertAgreement(RandomLlamaGguf.Spec spec) {
        assertAgreement(spec, null);
    }

    /** {@code pre}: the tokenizer.ggml.pre written into the file (null: the writer's own). */
    private void assertAgreement(RandomLlamaGguf.Spec spec, String pre) {
        Path file = dir.resolve((spec.byteLevelBpe() ? "bpe" : "spm") + (pre == null ? "" : "-" + pre) + ".gguf");
        RandomLlamaGguf.write(spec, GgmlType.F32, file, w -> {
            if (pre != null) {
                w.put("tokenizer.ggml.pre", GgufValue.string(pre));
            }
        });
        LlamaModel model = LlamaModel.load(file);
        OracleResponse llama =
                new LlamaCppOracle(300).run(new OracleRequest(file.toString(), 1, 128, TEXTS, List.of()));
        for (int i = 0; i < TEXTS.size(); i++) {
            int[] ours = model.tokenizer().encode(TEXTS.get(i), false);
            assertThat(ours)
                    .as("tokens of %s", TEXTS.get(i))
                    .containsExactly(llama.encoded().get(i));
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
    @ValueSource(strings = {"default", "llama-bpe", "llama3", "qwen2"})
    void byteLevelBpePreTokenizersMatchLlamaCpp(String pre) {
        assertAgreement(new RandomLlamaGguf.Spec(64, 128, 1, 2, 1, 600, 128, 3, false).withByteLevelBpe(), pre);
    }
}
