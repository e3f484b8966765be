package io.quantwatch.detectors;

/** Why a decode stopped, as any backend reports it. */
public enum FinishReason {
    /** The model ended the sequence itself. */
    EOS,
    /** The token budget ran out. */
    MAX_TOKENS,
    /** A stop sequence appeared. */
    STOP_SEQUENCE;

    /** True when the model chose to stop (EOS or a stop sequence), false when it was cut off. */
    public boolean stoppedByModel() {
        return this != MAX_TOKENS;
    }
}
