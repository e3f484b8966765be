package io.quantwatch.engine.generate;

import io.quantwatch.engine.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One greedy answer in progress: takes the logits after each position, picks the next token and decides when the
 * answer ends (EOS, the token budget, a stop sequence, the session's capacity). Shared by the plain decode and the
 * verified one, so both end an answer in exactly the same place.
 */
final class GreedyRun {
    private final Tokenizer tokenizer;
    private final int promptLength;
    private final int capacity;
    private final int maxNewTokens;
    private final byte[][] stops;
    private final int topK;
    private final int[] out;
    private final List<TokenLogprob[]> steps = new ArrayList<>();
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private int count;
    private boolean ended;
    private FinishReason reason = FinishReason.MAX_TOKENS;

    GreedyRun(
            Tokenizer tokenizer,
            int promptLength,
            int capacity,
            int maxNewTokens,
            List<String> stopSequences,
            int topK) {
        this.tokenizer = tokenizer;
        this.promptLength = promptLength;
        this.capacity = capacity;
        this.maxNewTokens = Math.max(0, maxNewTokens);
        this.stops = stopSequences.stream()
                .map(s -> s.getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
        this.topK = topK;
        this.out = new int[this.maxNewTokens];
    }

    /**
     * Takes the logits after the last token fed and returns true when the answer goes on, {@link #last()} being the
     * token to feed next; false when it has ended (the logits of a finished answer are not looked at).
     */
    boolean step(float[] logits) {
        if (ended || count >= maxNewTokens) {
            ended = true;
            return false;
        }
        int next = LogitStats.argmax(logits);
        if (topK > 0) {
            steps.add(LogitStats.topK(logits, topK, LogitStats.logSumExp(logits)));
        }
        if (tokenizer.vocabulary().endsGeneration(next)) {
            reason = FinishReason.EOS;
            ended = true;
            return false;
        }
        out[count++] = next;
        byte[] piece = tokenizer.pieceBytes(next);
        text.writeBytes(piece);
        if (containsStopNearEnd(text.toByteArray(), piece.length, stops)) {
            reason = FinishReason.STOP_SEQUENCE;
            ended = true;
            return false;
        }
        // The token just chosen would be fed at position promptLength + count − 1.
        ended = count == maxNewTokens || promptLength + count - 1 >= capacity;
        return !ended;
    }

    /** The token chosen last (valid after a {@code step} that returned true). */
    int last() {
        return out[count - 1];
    }

    /** Tokens chosen so far, EOS excluded. */
    int tokens() {
        return count;
    }

    /** True once the answer has ended; further steps change nothing. */
    boolean ended() {
        return ended;
    }

    GenerationTrace trace(int[] prompt, long prefillNanos, long decodeNanos) {
        return new GenerationTrace(
                prompt.clone(), Arrays.copyOf(out, tokens()), List.copyOf(steps), reason, prefillNanos, decodeNanos);
    }

    /** True when a stop sequence occurs in the text and overlaps the piece just appended. */
    private static boolean containsStopNearEnd(byte[] text, int pieceLength, byte[][] stops) {
        for (byte[] s : stops) {
            int from = Math.max(0, text.length - pieceLength - s.length + 1);
            for (int i = from; s.length > 0 && i + s.length <= text.length; i++) {
                if (Arrays.equals(text, i, i + s.length, s, 0, s.length)) {
                    return true;
                }
            }
        }
        return false;
    }
}
