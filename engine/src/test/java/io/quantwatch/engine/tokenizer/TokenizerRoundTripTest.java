package io.quantwatch.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.model.RandomLlamaGguf;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** decode(encode(x)) == x for text and for arbitrary bytes, with BOS handled as metadata says. */
class TokenizerRoundTripTest {
    @TempDir
    static Path dir;

    static Tokenizer spm;
    static Tokenizer bpe;

    @BeforeAll
    static void load() {
        Path s = dir.resolve("spm.gguf");
        RandomLlamaGguf.write(new RandomLlamaGguf.Spec(64, 128, 1, 2, 1, 1024, 128, 3, false), GgmlType.F32, s);
        spm = LlamaModel.load(s).tokenizer();
        Path b = dir.resolve("bpe.gguf");
        RandomLlamaGguf.write(
                new RandomLlamaGguf.Spec(64, 128, 1, 2, 1, 600, 128, 3, false).withByteLevelBpe(), GgmlType.F32, b);
        bpe = LlamaModel.load(b).tokenizer();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "a",
                "Hello, world!",
                "emoji 😀👍🏽🇫🇷",
                "e\u0301 n\u0303 combining",
                "中文 Ответь",
                "  spaces  ",
                "tab\tnew\nline",
                "{\"a\": [1, 2.5, true]}",
                "\u0000 nul and \uFFFF"
            })
    void textRoundTrips(String text) {
        for (Tokenizer t : new Tokenizer[] {spm, bpe}) {
            int[] ids = t.encode(text, true);
            assertThat(ids[0]).isEqualTo(t.vocabulary().bos());
            assertThat(t.decode(ids)).isEqualTo(text);
        }
    }

    @Test
    void arbitraryBytesIncludingInvalidUtf8RoundTrip() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            byte[] bytes = new byte[rnd.nextInt(40)];
            rnd.nextBytes(bytes);
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == (byte) 0xE2 && i + 2 < bytes.length) {
                    bytes[i] = 'x'; // avoid spelling U+2581, which SentencePiece reads as a space by design
                }
            }
            for (Tokenizer t : new Tokenizer[] {spm, bpe}) {
                assertThat(t.decodeBytes(t.encodeBytes(bytes, false)))
                        .as("%s round trip of %s", t.getClass().getSimpleName(), Arrays.toString(bytes))
                        .isEqualTo(bytes);
            }
        }
    }

    @Test
    void controlTokenTextIsEncodedAsPlainText() {
        int[] ids = spm.encode("<s></s>", false);
        assertThat(ids).doesNotContain(spm.vocabulary().bos(), spm.vocabulary().eos());
        assertThat(spm.decode(ids)).isEqualTo("<s></s>");
    }

    @Test
    void controlTokensDecodeToNothing() {
        Vocabulary v = spm.vocabulary();
        int[] ids = spm.encode("hi", true);
        int[] withEos = Arrays.copyOf(ids, ids.length + 1);
        withEos[ids.length] = v.eos();
        assertThat(new String(spm.decodeBytes(withEos), StandardCharsets.UTF_8)).isEqualTo("hi");
    }
}
