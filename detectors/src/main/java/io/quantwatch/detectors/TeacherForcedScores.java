package io.quantwatch.detectors;

/**
 * The candidate teacher-forced on the reference's tokens, per position: KL(reference ‖ candidate),
 * whether both put the same token first, Δp = p_cand − p_ref of the reference token, both
 * log-probabilities of it, and the candidate's top token ids. {@code approximate} marks figures
 * computed from top-k lists instead of full distributions.
 */
public record TeacherForcedScores(double[] kl, boolean[] sameTop1, double[] deltaP, double[] referenceLogprob,
                                  double[] candidateLogprob, int[][] candidateTopIds, boolean approximate) {

    public TeacherForcedScores {
        int n = kl.length;
        if (sameTop1.length != n || deltaP.length != n || referenceLogprob.length != n || candidateLogprob.length != n
                || candidateTopIds.length != n) {
            throw new IllegalArgumentException("teacher-forced arrays differ in length: kl has " + n + " positions");
        }
    }

    public int positions() {
        return kl.length;
    }

    /**
     * Builds the scores from per-position top-k lists (for backends that expose nothing more):
     * each distribution is coarse-grained into the reference's top-k tokens plus one bucket for the
     * rest; a reference token missing from the candidate's list gets the candidate's smallest listed
     * probability, an upper bound of its true value. Flagged approximate.
     *
     * @param referenceTokens the tokens the candidate was forced on
     */
    public static TeacherForcedScores fromTopK(int[] referenceTokens, TopToken[][] reference, TopToken[][] candidate) {
        int n = Math.min(referenceTokens.length, Math.min(reference.length, candidate.length));
        double[] kl = new double[n];
        boolean[] same = new boolean[n];
        double[] dp = new double[n];
        double[] refLp = new double[n];
        double[] candLp = new double[n];
        int[][] top = new int[n][];
        for (int i = 0; i < n; i++) {
            TopToken[] r = reference[i];
            TopToken[] c = candidate[i];
            double pTail = 1.0;
            double qListed = 0.0;
            double sum = 0.0;
            for (TopToken t : r) {
                double p = Math.exp(t.logprob());
                double q = probabilityIn(c, t.token());
                pTail -= p;
                qListed += q;
                sum += p * (t.logprob() - Math.log(q));
            }
            double qTail = Math.max(1e-12, 1.0 - qListed);
            if (pTail > 1e-12) {
                sum += pTail * (Math.log(pTail) - Math.log(qTail));
            }
            kl[i] = Math.max(0, sum);
            same[i] = r.length > 0 && c.length > 0 && r[0].token() == c[0].token();
            refLp[i] = Math.log(probabilityIn(r, referenceTokens[i]));
            candLp[i] = Math.log(probabilityIn(c, referenceTokens[i]));
            dp[i] = Math.exp(candLp[i]) - Math.exp(refLp[i]);
            top[i] = java.util.Arrays.stream(c).mapToInt(TopToken::token).toArray();
        }
        return new TeacherForcedScores(kl, same, dp, refLp, candLp, top, true);
    }

    /** The listed probability of a token, or the smallest listed one when it is missing (at least 1e-12). */
    private static double probabilityIn(TopToken[] list, int token) {
        double smallest = 1.0;
        for (TopToken t : list) {
            if (t.token() == token) {
                return Math.exp(t.logprob());
            }
            smallest = Math.min(smallest, Math.exp(t.logprob()));
        }
        return Math.max(1e-12, list.length == 0 ? 1e-12 : smallest);
    }
}
