package io.quantwatch.engine.generate;

/** Why a greedy decode stopped. */
public enum FinishReason {
    /** The model produced its end-of-sequence token. */
    EOS,
    /** The token budget (or the session's capacity) ran out. */
    MAX_TOKENS,
    /** The decoded text ended with one of the stop sequences. */
    STOP_SEQUENCE
}
