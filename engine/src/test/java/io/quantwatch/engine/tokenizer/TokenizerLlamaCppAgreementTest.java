package io.quantwatch.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.model.RandomLlamaGguf;
import io.quantwatch.oracle.LlamaCppOracle;
import io.quantwatch.oracle.OracleRequest;
import io.quantwatch.oracle.OracleResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
            "   ");

    @TempDir
    Path dir;

    private void assertAgreement(RandomLlamaGguf.Spec spec) {
        Path file = dir.resolve(spec.byteLevelBpe() ? "bpe.gguf" : "spm.gguf");
        RandomLlamaGguf.write(spec, GgmlType.F32, file);
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
}
