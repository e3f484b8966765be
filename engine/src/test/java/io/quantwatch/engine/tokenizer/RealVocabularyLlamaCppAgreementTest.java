package io.quantwatch.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.engine.gguf.GgufFile;
import io.quantwatch.engine.gguf.GgufValue;
import io.quantwatch.engine.gguf.GgufWriter;
import io.quantwatch.llamacpp.LlamaCppModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine's tokenizers give the current llama.cpp's ids (5b4ebc5, in-process) on the real vocabularies of Llama 3.1,
 * Qwen3 and Gemma 3, converted as llama.cpp's converter writes them, over a multilingual corpus with code, numbers,
 * emoji, unusual whitespace and each vocabulary's added tokens.
 */
class RealVocabularyLlamaCppAgreementTest {
    private static final int TEXTS = 3000;

    @TempDir
    Path dir;

    /** A family's tokenizer: npm package, converter path and the vocabulary size of its config.json. */
    enum Family {
        LLAMA3_1("llama3_1") {
            @Override
            HfGgufVocabulary vocabulary() {
                return HfGgufVocabulary.byteLevelBpe(HfGgufVocabulary.npmPackage(npm), "llama-bpe", 128_256);
            }
        },
        QWEN3("qwen3") {
            @Override
            HfGgufVocabulary vocabulary() {
                return HfGgufVocabulary.byteLevelBpe(HfGgufVocabulary.npmPackage(npm), "qwen2", 151_936);
            }
        },
        GEMMA3("gemma3") {
            @Override
            HfGgufVocabulary vocabulary() {
                return HfGgufVocabulary.sentencePiece(HfGgufVocabulary.npmPackage(npm), 262_208);
            }
        };

        final String npm;

        Family(String npm) {
            this.npm = npm;
        }

        abstract HfGgufVocabulary vocabulary();
    }

    /** A GGUF with the vocabulary and the hyper-parameters llama.cpp needs to load it for its vocabulary only. */
    static Path vocabularyFile(HfGgufVocabulary vocabulary, Path file) {
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.string("llama"));
        w.put("general.name", GgufValue.string("quantwatch-vocabulary"));
        w.put("llama.context_length", GgufValue.uint32(128));
        w.put("llama.embedding_length", GgufValue.uint32(8));
        w.put("llama.block_count", GgufValue.uint32(1));
        w.put("llama.feed_forward_length", GgufValue.uint32(8));
        w.put("llama.attention.head_count", GgufValue.uint32(1));
        w.put("llama.attention.layer_norm_rms_epsilon", GgufValue.float32(1e-5));
        vocabulary.writeTo(w);
        w.write(file);
        return file;
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void everyTextTokenizesAsLlamaCppDoes(Family family) {
        HfGgufVocabulary vocabulary = family.vocabulary();
        Path file = vocabularyFile(vocabulary, dir.resolve(family.npm + ".gguf"));
        Tokenizer ours = GgufTokenizers.fromGguf(GgufFile.open(file));
        List<String> texts = TokenizationCorpus.texts(26, TEXTS, vocabulary.userDefined(), vocabulary.control());
        List<String> mismatches = new ArrayList<>();
        int userDefinedSeen = 0;
        try (LlamaCppModel llama = LlamaCppModel.loadVocabulary(file)) {
            for (String text : texts) {
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                int[] expected = llama.tokenize(utf8, false, false);
                int[] actual = ours.encodeBytes(utf8, false);
                if (!Arrays.equals(expected, actual)) {
                    mismatches.add(String.format(
                            "%s%n  llama.cpp %s%n  engine    %s",
                            text.length() > 200 ? text.substring(0, 200) + "…" : text,
                            Arrays.toString(expected),
                            Arrays.toString(actual)));
                }
                for (int t : expected) {
                    if (ours.vocabulary().type(t) == Vocabulary.USER_DEFINED) {
                        userDefinedSeen++;
                    }
                }
            }
        }
        System.out.printf(
                "tokenization %s: identical %d / %d texts, %d user-defined tokens in llama.cpp's answers%n",
                family, texts.size() - mismatches.size(), texts.size(), userDefinedSeen);
        assertThat(mismatches)
                .as("%s: texts tokenized differently from llama.cpp", family)
                .isEmpty();
        if (!vocabulary.userDefined().isEmpty()) {
            assertThat(userDefinedSeen)
                    .as("the corpus exercises the user-defined tokens")
                    .isGreaterThan(100);
        }
    }
}
