package io.quantwatch.detectors;

import java.io.Serializable;

/**
 * Output length against the reference: the token-count ratio, an early stop (the candidate ended
 * before the reference's length while the reference kept going — truncation, EOS logit pushed up) and
 * a late stop (the candidate ran to the token limit where the reference ended — rambling, EOS logit
 * pushed down).
 */
public record LengthDrift(int referenceTokens, int candidateTokens, boolean eosEarly, boolean eosLate)
        implements Serializable {

    /** Candidate length / reference length; 1.0 when both are empty, +∞ when only the reference is. */
    public double ratio() {
        if (referenceTokens == 0) {
            return candidateTokens == 0 ? 1.0 : Double.POSITIVE_INFINITY;
        }
        return (double) candidateTokens / referenceTokens;
    }

    public static LengthDrift of(
            int referenceTokens, FinishReason reference, int candidateTokens, FinishReason candidate) {
        boolean early = candidate.stoppedByModel() && candidateTokens < referenceTokens;
        boolean late = candidate == FinishReason.MAX_TOKENS && reference.stoppedByModel();
        return new LengthDrift(referenceTokens, candidateTokens, early, late);
    }
}
