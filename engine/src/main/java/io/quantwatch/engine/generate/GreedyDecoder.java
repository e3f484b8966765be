package io.quantwatch.engine.generate;

import io.quantwatch.engine.model.DecodingSession;
import java.util.List;

/** Greedy generation (the prompt prefilled in blocks) and teacher-forced scoring on one session. */
public final class GreedyDecoder {
    private final DecodingSession session;
    private final int topK;

    /** @param topK how many alternatives to record per step (0 for none) */
    public GreedyDecoder(DecodingSession session, int topK) {
        this.session = session;
        this.topK = topK;
    }

    /**
     * Greedy decode after the prompt until EOS, {@code maxNewTokens}, or the generated text contains one
     * of {@code stopSequences} (the token that completes the stop sequence is kept).
     */
    public GenerationTrace generate(int[] prompt, int maxNewTokens, List<String> stopSequences) {
        return generate(prompt, maxNewTokens, stopSequences, null);
    }

    /**
     * As {@link #generate(int[], int, List)}, also adding a copy of the logits each token was chosen from to
     * {@code logitsOut} (when not null): row i is what teacher forcing the answer gives at position i, bit for bit, so
     * a candidate verified against this answer need not recompute them.
     */
    public GenerationTrace generate(
            int[] prompt, int maxNewTokens, List<String> stopSequences, List<float[]> logitsOut) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token (usually BOS)");
        }
        if (prompt.length >= session.capacity()) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens does not fit the session's "
                    + session.capacity() + " positions");
        }
        session.reset();
        GreedyRun run = new GreedyRun(
                session.tokenizer(), prompt.length, session.capacity(), maxNewTokens, stopSequences, topK);
        long t0 = System.nanoTime();
        float[] logits = session.prefill(prompt, 0, prompt.length);
        long t1 = System.nanoTime();
        if (logitsOut != null) {
            logitsOut.add(logits.clone());
        }
        while (run.step(logits)) {
            logits = session.forward(run.last());
            if (logitsOut != null) {
                logitsOut.add(logits.clone());
            }
        }
        long t2 = System.nanoTime();
        return run.trace(prompt, t1 - t0, t2 - t1);
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
        int n = continuation.length;
        float[] logprobs = new float[n];
        int[] argmax = new int[n];
        TokenLogprob[][] tops = new TokenLogprob[n][];
        TeacherForcing.run(session, prompt, continuation, (i, logits) -> {
            double logZ = LogitStats.logSumExp(logits);
            logprobs[i] = (float) (logits[continuation[i]] - logZ);
            argmax[i] = LogitStats.argmax(logits);
            tops[i] = topK > 0 ? LogitStats.topK(logits, topK, logZ) : new TokenLogprob[0];
        });
        return new ScoreTrace(continuation.clone(), logprobs, argmax, tops);
    }
}
