package io.quantwatch.engine.generate;

import io.quantwatch.engine.model.DecodingSession;

/**
 * Feeds a prompt and a forced continuation through one or more sessions in blocks and hands over, for each
 * continuation position, every session's next-token logits at that position. Batched, yet the logits are bit-for-bit
 * those of a token-by-token pass ({@link DecodingSession#forwardBlock}).
 */
final class TeacherForcing {

    /** Receives position i's logits, one row per session in the order given; the rows are reused. */
    interface PositionSink {
        void accept(int position, float[][] logits);
    }

    private TeacherForcing() {}

    /** One session: {@code sink} gets its logits alone. */
    static void run(DecodingSession session, int[] prompt, int[] continuation, SingleSink sink) {
        run(new DecodingSession[] {session}, prompt, continuation, (i, rows) -> sink.accept(i, rows[0]));
    }

    /** Position i's logits of one session; the row is reused. */
    interface SingleSink {
        void accept(int position, float[] logits);
    }

    static void run(DecodingSession[] sessions, int[] prompt, int[] continuation, PositionSink sink) {
        int p = prompt.length;
        int n = continuation.length;
        if (p == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token (usually BOS)");
        }
        int vocab = sessions[0].vocabSize();
        for (DecodingSession s : sessions) {
            if (p + n > s.capacity()) {
                throw new IllegalArgumentException("prompt + continuation (" + (p + n)
                        + " tokens) exceed the session's " + s.capacity() + " positions");
            }
            if (s.vocabSize() != vocab) {
                throw new IllegalArgumentException(
                        "the sessions' vocabularies differ in size: " + vocab + " vs " + s.vocabSize());
            }
            s.reset();
        }
        if (n == 0) {
            return;
        }
        int[] sequence = new int[p + n];
        System.arraycopy(prompt, 0, sequence, 0, p);
        System.arraycopy(continuation, 0, sequence, p, n);
        if (p > 1) {
            for (DecodingSession s : sessions) {
                s.prefill(sequence, 0, p - 1);
            }
        }
        int block = Integer.MAX_VALUE;
        for (DecodingSession s : sessions) {
            block = Math.min(block, s.blockSize());
        }
        float[][] rows = new float[sessions.length][vocab];
        float[][] blocks = new float[sessions.length][];
        // Position i's logits follow sequence[p − 1 + i]: the last prompt token, then the continuation but its last.
        for (int i = 0; i < n; i += block) {
            int m = Math.min(block, n - i);
            for (int s = 0; s < sessions.length; s++) {
                blocks[s] = sessions[s].forwardBlock(sequence, p - 1 + i, m);
            }
            for (int j = 0; j < m; j++) {
                for (int s = 0; s < sessions.length; s++) {
                    System.arraycopy(blocks[s], j * vocab, rows[s], 0, vocab);
                }
                sink.accept(i + j, rows);
            }
        }
    }
}
