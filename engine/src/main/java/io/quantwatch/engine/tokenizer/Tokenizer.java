package io.quantwatch.engine.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * Text ↔ token ids for one vocabulary. Encoding works on bytes so that any byte sequence, valid
 * UTF-8 or not, survives {@code decodeBytes(encodeBytes(b)) == b}. Text that spells a control
 * token (such as "&lt;s&gt;") is encoded as plain text, never as the control token.
 */
public interface Tokenizer {

    int[] encodeBytes(byte[] utf8, boolean addBos);

    /** Bytes of the tokens' pieces; control tokens contribute nothing. */
    byte[] decodeBytes(int[] tokens);

    Vocabulary vocabulary();

    default int[] encode(String text, boolean addBos) {
        return encodeBytes(text.getBytes(StandardCharsets.UTF_8), addBos);
    }

    /** Decoded text; invalid UTF-8 shows as U+FFFD. */
    default String decode(int[] tokens) {
        return new String(decodeBytes(tokens), StandardCharsets.UTF_8);
    }

    /** The bytes one token contributes when it follows other tokens (no prefix stripping). */
    byte[] pieceBytes(int token);
}
