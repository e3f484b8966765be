package io.quantwatch.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SentencePiece-style tokenizer ({@code tokenizer.ggml.model = llama}) with llama.cpp's semantics:
 * spaces become U+2581, an optional leading space, UTF-8 characters merged by highest piece score,
 * and unknown characters spelled with byte tokens ({@code <0xAB>}).
 *
 * <p>Symbols are handled as byte strings (one Latin-1 char per byte) so that invalid UTF-8 is
 * segmented exactly like llama.cpp does it, by lead-byte length.
 */
public final class SentencePieceTokenizer implements Tokenizer {
    private static final byte[] SPACE_MARK = "\u2581".getBytes(StandardCharsets.UTF_8);

    private final Vocabulary vocab;
    private final boolean addSpacePrefix;
    private final Map<String, Integer> byteKeyIds = new HashMap<>();
    private final int[] byteTokens = new int[256];

    public SentencePieceTokenizer(Vocabulary vocab, boolean addSpacePrefix) {
        this.vocab = vocab;
        this.addSpacePrefix = addSpacePrefix;
        for (int i = 0; i < vocab.size(); i++) {
            byteKeyIds.putIfAbsent(latin1(vocab.token(i).getBytes(StandardCharsets.UTF_8)), i);
        }
        for (int b = 0; b < 256; b++) {
            int id = vocab.id(String.format("<0x%02X>", b));
            if (id < 0) {
                id = byteKeyIds.getOrDefault(latin1(new byte[] {(byte) b}), -1);
            }
            byteTokens[b] = id;
        }
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public int[] encodeBytes(byte[] utf8, boolean addBos) {
        List<Integer> out = new ArrayList<>();
        if (addBos) {
            out.add(vocab.bos());
        }
        // As llama.cpp: user-defined tokens first; the text after one (and at the start) gets the space prefix.
        boolean afterToken = true;
        for (AddedTokenPartition.Fragment f : AddedTokenPartition.split(utf8, vocab)) {
            if (f.isToken()) {
                out.add(f.token());
                afterToken = true;
            } else {
                encodeText(utf8, f.from(), f.to(), addSpacePrefix && afterToken, out);
                afterToken = false;
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private void encodeText(byte[] utf8, int from, int to, boolean spacePrefix, List<Integer> out) {
        ByteArrayOutputStream escaped = new ByteArrayOutputStream(to - from + 8);
        if (spacePrefix) {
            escaped.writeBytes(SPACE_MARK);
        }
        for (int k = from; k < to; k++) {
            byte b = utf8[k];
            if (b == ' ') {
                escaped.writeBytes(SPACE_MARK);
            } else {
                escaped.write(b);
            }
        }
        byte[] text = escaped.toByteArray();
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < text.length; ) {
            int len = Math.min(utf8Length(text[i]), text.length - i);
            // A truncated sequence ends at the first non-continuation byte. Valid UTF-8 splits exactly as in
            // llama.cpp; invalid input no longer swallows the next character (which made it lossy there).
            for (int j = 1; j < len; j++) {
                if ((text[i + j] & 0xC0) != 0x80) {
                    len = j;
                    break;
                }
            }
            symbols.add(new String(text, i, len, StandardCharsets.ISO_8859_1));
            i += len;
        }
        List<String> merged = SymbolMerger.merge(symbols, (m, l, r) -> {
            Integer id = byteKeyIds.get(m);
            return id == null ? null : -(double) vocab.score(id);
        });
        for (String symbol : merged) {
            Integer id = byteKeyIds.get(symbol);
            if (id != null) {
                out.add(id);
                continue;
            }
            for (int i = 0; i < symbol.length(); i++) {
                int t = byteTokens[symbol.charAt(i) & 0xFF];
                out.add(t >= 0 ? t : vocab.unk());
            }
        }
    }

    /** UTF-8 sequence length implied by a lead byte, as llama.cpp's utf8_len computes it. */
    private static int utf8Length(byte lead) {
        int high = (lead & 0xFF) >>> 4;
        return high < 8 ? 1 : high < 12 ? 1 : high < 14 ? 2 : high == 14 ? 3 : 4;
    }

    @Override
    public byte[] pieceBytes(int token) {
        return switch (vocab.type(token)) {
            case Vocabulary.CONTROL, Vocabulary.UNUSED -> new byte[0];
            case Vocabulary.BYTE ->
                new byte[] {(byte) Integer.parseInt(vocab.token(token).substring(3, 5), 16)};
            case Vocabulary.UNKNOWN -> "\u2585".getBytes(StandardCharsets.UTF_8);
            case Vocabulary.USER_DEFINED -> vocab.token(token).getBytes(StandardCharsets.UTF_8);
            default -> vocab.token(token).replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
        };
    }

    @Override
    public byte[] decodeBytes(int[] tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean first = true;
        for (int t : tokens) {
            byte[] piece = pieceBytes(t);
            if (piece.length == 0) {
                continue;
            }
            // The leading space the encoder added belongs to no character of the text: drop it once.
            if (first && addSpacePrefix && piece[0] == ' ' && vocab.type(t) == Vocabulary.NORMAL) {
                out.write(piece, 1, piece.length - 1);
            } else {
                out.writeBytes(piece);
            }
            first = false;
        }
        return out.toByteArray();
    }
}
