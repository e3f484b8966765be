package io.quantwatch.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** User-defined tokens are cut out of a text longest first, every occurrence; control tokens stay text. */
class AddedTokenPartitionTest {
    private static final String[] TOKENS = {"a", "b", "<think>", "</think>", "<|im_start|>", "  ", "   "};
    private static final int[] TYPES = {
        Vocabulary.NORMAL,
        Vocabulary.NORMAL,
        Vocabulary.USER_DEFINED,
        Vocabulary.USER_DEFINED,
        Vocabulary.CONTROL,
        Vocabulary.USER_DEFINED,
        Vocabulary.USER_DEFINED
    };
    private static final Vocabulary VOCAB = new Vocabulary(TOKENS, new float[TOKENS.length], TYPES, 0, 0, 0, false);

    private static List<String> pieces(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return AddedTokenPartition.split(utf8, VOCAB).stream()
                .map(f -> f.isToken()
                        ? "#" + TOKENS[f.token()]
                        : new String(utf8, f.from(), f.to() - f.from(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void everyOccurrenceBecomesItsToken() {
        assertThat(pieces("<think>plan</think>answer<think>"))
                .containsExactly("#<think>", "plan", "#</think>", "answer", "#<think>");
    }

    @Test
    void theLongestTokenIsCutFirst() {
        // Five spaces: the three-space token first, then the two-space one.
        assertThat(pieces("x     y")).containsExactly("x", "#   ", "#  ", "y");
    }

    @Test
    void controlTokensStayText() {
        assertThat(pieces("<|im_start|>user")).containsExactly("<|im_start|>user");
    }

    @Test
    void anEmptyTextHasNoFragments() {
        assertThat(pieces("")).isEmpty();
    }
}
