package io.quantwatch.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Token strings, scores and types as GGUF stores them (tokenizer.ggml.*), with the special ids.
 * Types follow llama.cpp: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte.
 */
public final class Vocabulary {
    public static final int NORMAL = 1;
    public static final int UNKNOWN = 2;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;
    public static final int UNUSED = 5;
    public static final int BYTE = 6;

    private final String[] tokens;
    private final float[] scores;
    private final int[] types;
    private final Map<String, Integer> ids;
    private final int bos;
    private final int eos;
    private final int unk;
    private final boolean addBos;
    private final int[] userDefinedLongestFirst;
    private final BitSet endOfGeneration;

    /** A vocabulary whose only end-of-generation token is {@code eos}. */
    public Vocabulary(String[] tokens, float[] scores, int[] types, int bos, int eos, int unk, boolean addBos) {
        this(tokens, scores, types, bos, eos, unk, addBos, single(eos));
    }

    /** {@code endOfGeneration}: every token that ends a generation, as llama.cpp decides them. */
    public Vocabulary(
            String[] tokens,
            float[] scores,
            int[] types,
            int bos,
            int eos,
            int unk,
            boolean addBos,
            BitSet endOfGeneration) {
        if (scores.length != tokens.length || types.length != tokens.length) {
            throw new IllegalArgumentException("tokens, scores and types differ in length: " + tokens.length + ", "
                    + scores.length + ", " + types.length);
        }
        this.tokens = tokens;
        this.scores = scores;
        this.types = types;
        this.bos = bos;
        this.eos = eos;
        this.unk = unk;
        this.addBos = addBos;
        this.endOfGeneration = (BitSet) endOfGeneration.clone();
        this.ids = new HashMap<>(tokens.length * 2);
        for (int i = 0; i < tokens.length; i++) {
            ids.putIfAbsent(tokens[i], i); // first occurrence wins, as in llama.cpp
        }
        // Longest first, as llama.cpp sorts its special-token cache; equal lengths by id (llama.cpp's sort is unstable,
        // which matters only for two tokens of one length overlapping in a text).
        this.userDefinedLongestFirst = IntStream.range(0, tokens.length)
                .filter(i -> types[i] == USER_DEFINED && !tokens[i].isEmpty())
                .boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -tokenBytes(i).length))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private static BitSet single(int id) {
        BitSet b = new BitSet();
        if (id >= 0) {
            b.set(id);
        }
        return b;
    }

    /** Whether a generation ends at this token (EOS, end of turn and the like). */
    public boolean endsGeneration(int id) {
        return endOfGeneration.get(id);
    }

    /** The user-defined tokens, longest text first: what {@link AddedTokenPartition} cuts out of a text. */
    public int[] userDefinedLongestFirst() {
        return userDefinedLongestFirst;
    }

    /** The token's text as UTF-8. */
    public byte[] tokenBytes(int id) {
        return tokens[id].getBytes(StandardCharsets.UTF_8);
    }

    public int size() {
        return tokens.length;
    }

    public String token(int id) {
        return tokens[id];
    }

    public float score(int id) {
        return scores[id];
    }

    public int type(int id) {
        return types[id];
    }

    /** The id of an exact token string, or -1. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    public int bos() {
        return bos;
    }

    public int eos() {
        return eos;
    }

    public int unk() {
        return unk;
    }

    public boolean addBos() {
        return addBos;
    }
}
