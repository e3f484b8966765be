package io.quantwatch.engine.generate;

import io.quantwatch.engine.model.InferenceSession;

/**
 * Teacher-forces a reference continuation through a reference and a candidate session in lock
 * step and compares their full next-token distributions at each position: exact
 * KL(reference ‖ candidate), same top-1, Δp of the forced token and both log-likelihoods. Only
 * the two current logit vectors are held, never vocab × length floats.
 */
public final class PairedScorer {
    private final InferenceSession reference;
    private final InferenceSession candidate;

    public PairedScorer(InferenceSession reference, InferenceSession candidate) {
        if (reference.model().config().vocabSize() != candidate.model().config().vocabSize()) {
            throw new IllegalArgumentException("reference and candidate vocabularies differ in size: "
                    + reference.model().config().vocabSize() + " vs "
                    + candidate.model().config().vocabSize());
        }
        this.reference = reference;
        this.candidate = candidate;
    }

    /** Per-position comparison; arrays are indexed by continuation position. */
    public record Comparison(
            double[] kl,
            boolean[] sameTop1,
            double[] deltaP,
            double[] referenceLogprob,
            double[] candidateLogprob,
            int[][] candidateTopIds) {

        public int length() {
            return kl.length;
        }

        public double meanKl() {
            double s = 0;
            for (double v : kl) {
                s += v;
            }
            return kl.length == 0 ? 0 : s / kl.length;
        }

        /** PPL(candidate) / PPL(reference) over the continuation. */
        public double perplexityRatio() {
            double diff = 0;
            for (int i = 0; i < kl.length; i++) {
                diff += referenceLogprob[i] - candidateLogprob[i];
            }
            return kl.length == 0 ? 1.0 : Math.exp(diff / kl.length);
        }

        public double sameTop1Rate() {
            int same = 0;
            for (boolean b : sameTop1) {
                same += b ? 1 : 0;
            }
            return sameTop1.length == 0 ? 1.0 : (double) same / sameTop1.length;
        }
    }

    public Comparison compare(int[] prompt, int[] continuation) {
        return compare(prompt, continuation, 0);
    }

    /** As {@link #compare(int[], int[])}, also keeping the candidate's {@code topK} token ids per position. */
    public Comparison compare(int[] prompt, int[] continuation, int topK) {
        int total = prompt.length + continuation.length;
        if (prompt.length == 0 || total > reference.capacity() || total > candidate.capacity()) {
            throw new IllegalArgumentException(
                    "prompt + continuation of " + total + " tokens must be non-empty and fit both sessions");
        }
        reference.reset();
        candidate.reset();
        float[] refLogits = null;
        float[] candLogits = null;
        for (int t : prompt) {
            refLogits = reference.forward(t);
            candLogits = candidate.forward(t);
        }
        int n = continuation.length;
        PositionwiseDivergence divergence = new PositionwiseDivergence(n, topK);
        for (int i = 0; i < n; i++) {
            int tok = continuation[i];
            divergence.add(i, refLogits, candLogits, tok);
            if (i + 1 < n) {
                refLogits = reference.forward(tok);
                candLogits = candidate.forward(tok);
            }
        }
        return divergence.result();
    }
}
