package io.quantwatch.engine.generate;

import io.quantwatch.engine.model.InferenceSession;
import io.quantwatch.engine.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Greedy generation and teacher-forced scoring on one session. */
public final class GreedyDecoder {
    private final InferenceSession session;
    private final int topK;

    /** @param topK how many alternatives to record per step (0 for none) */
    public GreedyDecoder(InferenceSession session, int topK) {
        this.session = session;
        this.topK = topK;
    }

    /**
     * Greedy decode after the prompt until EOS, {@code maxNewTokens}, or the generated text contains one
     * of {@code stopSequences} (the token that completes the stop sequence is kept).
     */
    public GenerationTrace generate(int[] prompt, int maxNewTokens, List<String> stopSequences) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token (usually BOS)");
        }
        if (prompt.length >= session.capacity()) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens does not fit the session's "
                    + session.capacity() + " positions");
        }
        session.reset();
        Tokenizer tokenizer = session.model().tokenizer();
        int eos = tokenizer.vocabulary().eos();
        long t0 = System.nanoTime();
        float[] logits = null;
        for (int t : prompt) {
            logits = session.forward(t);
        }
        long t1 = System.nanoTime();
        int[] out = new int[Math.max(0, maxNewTokens)];
        int n = 0;
        List<TokenLogprob[]> steps = new ArrayList<>();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        byte[][] stops = stopSequences.stream()
                .map(s -> s.getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
        FinishReason reason = FinishReason.MAX_TOKENS;
        while (n < maxNewTokens) {
            int next = LogitStats.argmax(logits);
            if (topK > 0) {
                steps.add(LogitStats.topK(logits, topK, LogitStats.logSumExp(logits)));
            }
            if (next == eos) {
                reason = FinishReason.EOS;
                break;
            }
            out[n++] = next;
            byte[] piece = tokenizer.pieceBytes(next);
            text.writeBytes(piece);
            if (containsStopNearEnd(text.toByteArray(), piece.length, stops)) {
                reason = FinishReason.STOP_SEQUENCE;
                break;
            }
            if (n == maxNewTokens || session.position() >= session.capacity()) {
                break;
            }
            logits = session.forward(next);
        }
        long t2 = System.nanoTime();
        return new GenerationTrace(prompt.clone(), Arrays.copyOf(out, n), List.copyOf(steps), reason, t1 - t0, t2 - t1);
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

    /** Teacher-forced scoring of {@code continuation} after {@code prompt}. */
    public ScoreTrace score(int[] prompt, int[] continuation) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token (usually BOS)");
        }
        if (prompt.length + continuation.length > session.capacity()) {
            throw new IllegalArgumentException("prompt + continuation (" + (prompt.length + continuation.length)
                    + " tokens) exceed the session's " + session.capacity() + " positions");
        }
        session.reset();
        float[] logits = null;
        for (int t : prompt) {
            logits = session.forward(t);
        }
        int n = continuation.length;
        float[] logprobs = new float[n];
        int[] argmax = new int[n];
        TokenLogprob[][] tops = new TokenLogprob[n][];
        for (int i = 0; i < n; i++) {
            double logZ = LogitStats.logSumExp(logits);
            logprobs[i] = (float) (logits[continuation[i]] - logZ);
            argmax[i] = LogitStats.argmax(logits);
            tops[i] = topK > 0 ? LogitStats.topK(logits, topK, logZ) : new TokenLogprob[0];
            if (i + 1 < n) {
                logits = session.forward(continuation[i]);
            }
        }
        return new ScoreTrace(continuation.clone(), logprobs, argmax, tops);
    }
}
