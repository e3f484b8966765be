package io.quantwatch.connectors.engine;

import io.quantwatch.detectors.DecodeOutput;
import java.util.List;

/**
 * The reference's logits at every step of its latest answer, shared by the engine pairs of one reference: the shadow
 * runner decodes the reference once per prompt and hands the same answer to every candidate, whose verified decode
 * then reads these rows instead of teacher-forcing the reference again. One answer at a time (the runner shadows one
 * prompt at a time); answers whose rows would exceed {@link #MAX_FLOATS} are not kept.
 */
public final class ReferenceLogits {
    /** At most 64 MB of rows: a 256-token answer over a vocabulary of 65 536. */
    static final long MAX_FLOATS = 16L << 20;

    private DecodeOutput answer;
    private List<float[]> rows;

    /** Whether an answer of up to {@code maxTokens} over {@code vocab} is small enough to keep. */
    static boolean worthKeeping(int maxTokens, int vocab) {
        return (long) (maxTokens + 1) * vocab <= MAX_FLOATS;
    }

    synchronized void keep(DecodeOutput answer, List<float[]> rows) {
        this.answer = answer;
        this.rows = List.copyOf(rows);
    }

    /** The rows of exactly this answer (the same object the reference decode returned), or null. */
    public synchronized List<float[]> rowsOf(DecodeOutput answer) {
        return answer == this.answer ? rows : null;
    }
}
