package io.quantwatch.detectors;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;

/**
 * Long-decode drift: how much of each output repeats itself (the share of token n-grams already
 * seen earlier in the same output) and where the candidate first left the reference, by bucket.
 */
public record RepetitionDrift(double referenceRepeatRate, double candidateRepeatRate, DivergenceBucket divergence)
        implements Serializable {
    /** n-gram size used for the repeat rate. */
    public static final int NGRAM = 4;

    /** Where the first divergent token fell. */
    public enum DivergenceBucket {
        /** No divergence. */
        NONE,
        /** Within the first 8 tokens. */
        FIRST_8,
        /** Tokens 8 to 31. */
        FROM_8_TO_32,
        /** Tokens 32 to 127. */
        FROM_32_TO_128,
        /** Tokens 128 to 511. */
        FROM_128_TO_512,
        /** Token 512 or later. */
        FROM_512;

        public static DivergenceBucket of(int firstDivergentToken, boolean identical) {
            if (identical) {
                return NONE;
            }
            int p = firstDivergentToken;
            return p < 8
                    ? FIRST_8
                    : p < 32 ? FROM_8_TO_32 : p < 128 ? FROM_32_TO_128 : p < 512 ? FROM_128_TO_512 : FROM_512;
        }
    }

    /** Repeat rate increase of the candidate over the reference. */
    public double repeatRateIncrease() {
        return candidateRepeatRate - referenceRepeatRate;
    }

    /** Share of the n-grams of {@code tokens} that already occurred earlier in it (0 when shorter than n). */
    public static double repeatRate(int[] tokens) {
        int grams = tokens.length - NGRAM + 1;
        if (grams <= 0) {
            return 0.0;
        }
        Set<NGram> seen = new HashSet<>();
        int repeats = 0;
        for (int i = 0; i < grams; i++) {
            if (!seen.add(new NGram(tokens[i], tokens[i + 1], tokens[i + 2], tokens[i + 3]))) {
                repeats++;
            }
        }
        return (double) repeats / grams;
    }

    private record NGram(int a, int b, int c, int d) {}

    public static RepetitionDrift of(int[] reference, int[] candidate, TokenDivergence divergence) {
        return new RepetitionDrift(
                repeatRate(reference),
                repeatRate(candidate),
                DivergenceBucket.of(divergence.firstDivergentToken(), divergence.identical()));
    }
}
