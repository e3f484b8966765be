package io.quantwatch.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2 style byte-level BPE ({@code tokenizer.ggml.model = gpt2}): a pre-tokenizer regex chosen
 * by {@code tokenizer.ggml.pre}, bytes mapped to printable code points, then merges applied by rank.
 */
public final class ByteLevelBpeTokenizer implements Tokenizer {
    private static final String LLAMA3 =
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
                    + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final String GPT2_WITHOUT_WHITESPACE_FALLBACK =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

    /**
     * Pre-tokenizers by {@code tokenizer.ggml.pre} name, as llama.cpp b4916 defines them: a sequence of patterns,
     * each splitting every piece the previous ones left into its matches and the text between them (kept).
     */
    private static final Map<String, List<String>> PRE_TOKENIZERS = Map.ofEntries(
            Map.entry(
                    "gpt-2",
                    List.of("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+")),
            // What llama.cpp uses for a BPE vocabulary without (or with an unknown-to-it) pre-tokenizer name.
            Map.entry(
                    "default",
                    List.of(
                            "[\\p{P}\\$\\+<=>\\^~\\|]+",
                            GPT2_WITHOUT_WHITESPACE_FALLBACK,
                            "\\p{N}+",
                            "[0-9][0-9][0-9]")),
            // llama.cpp's converter writes llama-bpe for every Llama 3.x; llama3 and llama-v3 are older names.
            Map.entry("llama3", List.of(LLAMA3)),
            Map.entry("llama-bpe", List.of(LLAMA3)),
            Map.entry("llama-v3", List.of(LLAMA3)),
            // Qwen2's: Llama 3's with single digits.
            Map.entry(
                    "qwen2",
                    List.of(
                            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
                                    + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")),
            // SmolLM's (and StarCoder's): every digit on its own, then GPT-2's.
            Map.entry("smollm", List.of("\\p{N}", GPT2_WITHOUT_WHITESPACE_FALLBACK)),
            // DeepSeek LLM's: line breaks, then runs of cased letters (the explicit code point ranges are llama.cpp's),
            // of ASCII
            // and full-width punctuation, trailing whitespace, CJK / Hangul, digits. \z, not $: Java's $ also
            // matches before a final line terminator, std::regex's only at the end.
            Map.entry(
                    "deepseek-llm",
                    List.of(
                            "[\\r\\n]",
                            "\\s?[A-Za-z\\x{B5}\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{1BA}\\x{1BC}-\\x{1BF}\\x{1C4}-\\x{293}\\x{295}-\\x{2AF}\\x{370}-\\x{373}\\x{376}\\x{377}\\x{37B}-\\x{37D}\\x{37F}\\x{386}\\x{388}-\\x{38A}\\x{38C}\\x{38E}-\\x{3A1}\\x{3A3}-\\x{3F5}\\x{3F7}-\\x{481}\\x{48A}-\\x{52F}\\x{531}-\\x{556}\\x{10A0}-\\x{10C5}\\x{13A0}-\\x{13F5}\\x{13F8}-\\x{13FD}\\x{1C90}-\\x{1CBA}\\x{1CBD}-\\x{1CBF}\\x{1D00}-\\x{1D2B}\\x{1D6B}-\\x{1D77}\\x{1D79}-\\x{1D9A}\\x{1E00}-\\x{1F15}\\x{1F18}-\\x{1F1D}\\x{1F20}-\\x{1F45}\\x{1F48}-\\x{1F4D}\\x{1F50}-\\x{1F57}\\x{1F59}\\x{1F5B}\\x{1F5D}\\x{1F5F}-\\x{1F7D}\\x{1F80}-\\x{1FB4}\\x{1FB6}-\\x{1FBC}\\x{1FBE}\\x{1FC2}-\\x{1FC4}\\x{1FC6}-\\x{1FCC}\\x{1FD0}-\\x{1FD3}\\x{1FD6}-\\x{1FDB}\\x{1FE0}-\\x{1FEC}\\x{1FF2}-\\x{1FF4}\\x{1FF6}-\\x{1FFC}\\x{2102}\\x{2107}\\x{210A}-\\x{2113}\\x{2115}\\x{2119}-\\x{211D}\\x{2124}\\x{2126}\\x{2128}\\x{212A}-\\x{212D}\\x{212F}-\\x{2134}\\x{2139}\\x{213C}-\\x{213F}\\x{2145}-\\x{2149}\\x{214E}\\x{2183}\\x{2184}\\x{2C00}-\\x{2C7B}\\x{2C7E}-\\x{2CE4}\\x{2CEB}-\\x{2CEE}\\x{2CF2}\\x{2CF3}\\x{A640}-\\x{A66D}\\x{A680}-\\x{A69B}\\x{A722}-\\x{A76F}\\x{A771}-\\x{A787}\\x{A78B}-\\x{A78E}\\x{AB70}-\\x{ABBF}\\x{FB00}-\\x{FB06}\\x{FB13}-\\x{FB17}\\x{FF21}-\\x{FF3A}\\x{FF41}-\\x{FF5A}\\x{10400}-\\x{1044F}\\x{104B0}-\\x{104D3}\\x{104D8}-\\x{104FB}\\x{10C80}-\\x{10CB2}\\x{10CC0}-\\x{10CF2}\\x{118A0}-\\x{118DF}\\x{1E900}-\\x{1E943}]+",
                            "\\s?[!-/:-~\\x{FF01}-\\x{FF0F}\\x{FF1A}-\\x{FF5E}\\x{2018}-\\x{201F}\\x{3000}-\\x{3002}]+",
                            "\\s+\\z",
                            "[\\x{4E00}-\\x{9FA5}\\x{800}-\\x{4E00}\\x{AC00}-\\x{D7FF}]+",
                            "\\p{N}+")));

    /** The pre-tokenizers for which llama.cpp sets {@code ignore_merges} (Llama 3's). */
    private static final Set<String> IGNORE_MERGES = Set.of("llama3", "llama-bpe", "llama-v3");

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final Map<Character, Integer> CHAR_TO_BYTE = new HashMap<>();

    static {
        // GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 onwards.
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) (256 + extra++);
            CHAR_TO_BYTE.put(BYTE_TO_CHAR[b], b);
        }
    }

    private final Vocabulary vocab;
    private final Map<String, Integer> mergeRanks;
    private final List<Pattern> preTokenizer;
    private final boolean ignoreMerges;

    public ByteLevelBpeTokenizer(Vocabulary vocab, List<String> merges, String preType) {
        this.vocab = vocab;
        List<String> patterns = PRE_TOKENIZERS.get(preType == null ? "default" : preType);
        if (patterns == null) {
            throw new IllegalArgumentException("tokenizer.ggml.pre '" + preType + "' is not supported; supported: "
                    + new java.util.TreeSet<>(PRE_TOKENIZERS.keySet()));
        }
        this.ignoreMerges = IGNORE_MERGES.contains(preType);
        this.preTokenizer = patterns.stream()
                .map(p -> Pattern.compile(p, Pattern.UNICODE_CHARACTER_CLASS))
                .toList();
        this.mergeRanks = new HashMap<>(merges.size() * 2);
        for (int i = 0; i < merges.size(); i++) {
            String m = merges.get(i);
            int space = m.indexOf(' ', 1);
            if (space < 0) {
                throw new IllegalArgumentException(
                        "tokenizer.ggml.merges[" + i + "] = '" + m + "' is not 'left right'");
            }
            mergeRanks.putIfAbsent(m.substring(0, space) + "\u0000" + m.substring(space + 1), i);
        }
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
        for (AddedTokenPartition.Fragment f : AddedTokenPartition.split(utf8, vocab)) {
            if (f.isToken()) {
                out.add(f.token());
            } else {
                encodeText(Arrays.copyOfRange(utf8, f.from(), f.to()), out);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private void encodeText(byte[] utf8, List<Integer> out) {
        for (byte[] word : preTokenize(utf8)) {
            if (ignoreMerges) {
                // llama.cpp's Llama 3 pre-tokenizers take a word that is itself a token as it is.
                int whole = vocab.id(byteLevel(word));
                if (whole >= 0) {
                    out.add(whole);
                    continue;
                }
            }
            List<String> symbols = new ArrayList<>(word.length);
            for (byte b : word) {
                symbols.add(String.valueOf(BYTE_TO_CHAR[b & 0xFF]));
            }
            List<String> merged = SymbolMerger.merge(symbols, (m, l, r) -> {
                Integer rank = mergeRanks.get(l + "\u0000" + r);
                return rank == null ? null : (double) rank;
            });
            for (String s : merged) {
                int id = vocab.id(s);
                if (id >= 0) {
                    out.add(id);
                } else {
                    for (int i = 0; i < s.length(); i++) {
                        int single = vocab.id(String.valueOf(s.charAt(i)));
                        out.add(single >= 0 ? single : vocab.unk());
                    }
                }
            }
        }
    }

    private static String byteLevel(byte[] word) {
        char[] chars = new char[word.length];
        for (int i = 0; i < word.length; i++) {
            chars[i] = BYTE_TO_CHAR[word[i] & 0xFF];
        }
        return new String(chars);
    }

    /** Splits bytes into pre-tokens: valid UTF-8 runs through the regex, each invalid byte on its own. */
    private List<byte[]> preTokenize(byte[] utf8) {
        List<byte[]> words = new ArrayList<>();
        int i = 0;
        while (i < utf8.length) {
            int end = validRunEnd(utf8, i);
            if (end == i) {
                words.add(new byte[] {utf8[i]});
                i++;
                continue;
            }
            String text = new String(utf8, i, end - i, StandardCharsets.UTF_8);
            for (String piece : split(text)) {
                words.add(piece.getBytes(StandardCharsets.UTF_8));
            }
            i = end;
        }
        return words;
    }

    /**
     * Applies the patterns in turn, as llama.cpp's {@code unicode_regex_split}: each piece is matched on its own (a
     * lookahead cannot see past its end) and split into its matches and the unmatched text between them.
     * Like llama.cpp, the patterns see every non-ASCII whitespace character as a vertical tab: neutral for {@code \s}
     * and the Unicode classes, but an explicit range (deepseek-llm's U+3000) must not match it.
     */
    private List<String> split(String text) {
        // Replaced once for every pattern: one character for one, so the view's offsets are the text's.
        Matcher m = preTokenizer.get(0).matcher(withAsciiWhitespace(text));
        List<Integer> bounds = List.of(0, text.length()); // piece i is [bounds[i], bounds[i + 1])
        for (Pattern p : preTokenizer) {
            m.usePattern(p);
            List<Integer> next = new ArrayList<>(List.of(0));
            for (int i = 0; i + 1 < bounds.size(); i++) {
                int end = bounds.get(i + 1);
                m.region(bounds.get(i), end); // opaque bounds: a lookahead cannot see past the piece
                while (m.find()) {
                    cut(next, m.start()); // an empty match cuts too, as llama.cpp's zero-length offset does
                    cut(next, m.end());
                }
                cut(next, end);
            }
            bounds = next;
        }
        List<String> pieces = new ArrayList<>(bounds.size() - 1);
        for (int i = 0; i + 1 < bounds.size(); i++) {
            pieces.add(text.substring(bounds.get(i), bounds.get(i + 1)));
        }
        return pieces;
    }

    /** Adds a piece boundary unless it is the last one already. */
    private static void cut(List<Integer> bounds, int at) {
        if (at > bounds.get(bounds.size() - 1)) {
            bounds.add(at);
        }
    }

    /** The text with each non-ASCII whitespace character (all in the BMP) replaced by U+000B, same length. */
    private static String withAsciiWhitespace(String text) {
        char[] chars = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0x7F && (c == 0x85 || Character.isSpaceChar(c))) { // Unicode White_Space
                if (chars == null) {
                    chars = text.toCharArray();
                }
                chars[i] = (char) 0x0B;
            }
        }
        return chars == null ? text : new String(chars);
    }

    /** End of the longest valid UTF-8 prefix of utf8[from..]. */
    private static int validRunEnd(byte[] utf8, int from) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int lo = from;
        int hi = utf8.length;
        try {
            decoder.decode(ByteBuffer.wrap(utf8, from, hi - from));
            return hi;
        } catch (CharacterCodingException e) {
            // fall through to a byte-by-byte scan
        }
        int i = from;
        while (i < utf8.length) {
            int len = sequenceLength(utf8, i);
            if (len == 0) {
                break;
            }
            i += len;
        }
        return Math.max(lo, i);
    }

    /** Length of a valid UTF-8 sequence at i, or 0. */
    private static int sequenceLength(byte[] b, int i) {
        int lead = b[i] & 0xFF;
        int len = lead < 0x80
                ? 1
                : lead >= 0xC2 && lead < 0xE0
                        ? 2
                        : lead >= 0xE0 && lead < 0xF0 ? 3 : lead >= 0xF0 && lead < 0xF5 ? 4 : 0;
        if (len == 0 || i + len > b.length) {
            return 0;
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, i, len));
            return len;
        } catch (CharacterCodingException e) {
            return 0;
        }
    }

    @Override
    public byte[] pieceBytes(int token) {
        int type = vocab.type(token);
        if (type == Vocabulary.CONTROL || type == Vocabulary.UNUSED) {
            return new byte[0];
        }
        String piece = vocab.token(token);
        if (type == Vocabulary.USER_DEFINED) {
            return piece.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(piece.length());
        for (int i = 0; i < piece.length(); i++) {
            Integer b = CHAR_TO_BYTE.get(piece.charAt(i));
            if (b != null) {
                out.write(b);
            } else {
                out.writeBytes(String.valueOf(piece.charAt(i)).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    @Override
    public byte[] decodeBytes(int[] tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int t : tokens) {
            out.writeBytes(pieceBytes(t));
        }
        return out.toByteArray();
    }

    /** The printable code point GPT-2's byte-level alphabet uses for byte b. */
    public static char byteToChar(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }
}
