package io.quantwatch.engine.generate;

import java.util.Arrays;

/**
 * Accumulates, position by position, the comparison of a reference and a candidate next-token
 * distribution given as raw logits: exact KL(reference ‖ candidate), same top-1, Δp and both
 * log-probabilities of the forced token, and the candidate's top-k ids. Backend-neutral: the
 * engine and OpenVINO pipelines both feed it.
 */
public final class PositionwiseDivergence {
    private final double[] kl;
    private final boolean[] same;
    private final double[] dp;
    private final double[] refLp;
    private final double[] candLp;
    private final int[][] candTop;
    private final int topK;

    public PositionwiseDivergence(int positions, int topK) {
        kl = new double[positions];
        same = new boolean[positions];
        dp = new double[positions];
        refLp = new double[positions];
        candLp = new double[positions];
        candTop = new int[positions][];
        this.topK = topK;
    }

    /** Position {@code i}: the two distributions over the same vocabulary, and the token actually forced. */
    public void add(int i, float[] refLogits, float[] candLogits, int token) {
        if (refLogits.length != candLogits.length) {
            throw new IllegalArgumentException("reference and candidate vocabularies differ in size: "
                    + refLogits.length + " vs " + candLogits.length);
        }
        double refZ = LogitStats.logSumExp(refLogits);
        double candZ = LogitStats.logSumExp(candLogits);
        double sum = 0;
        for (int v = 0; v < refLogits.length; v++) {
            double lp = refLogits[v] - refZ;
            double lq = candLogits[v] - candZ;
            sum += Math.exp(lp) * (lp - lq);
        }
        kl[i] = Math.max(0, sum); // rounding can leave a tiny negative for identical distributions
        same[i] = LogitStats.argmax(refLogits) == LogitStats.argmax(candLogits);
        refLp[i] = refLogits[token] - refZ;
        candLp[i] = candLogits[token] - candZ;
        dp[i] = Math.exp(candLp[i]) - Math.exp(refLp[i]);
        candTop[i] = topK == 0
                ? new int[0]
                : Arrays.stream(LogitStats.topK(candLogits, topK, candZ))
                        .mapToInt(TokenLogprob::token)
                        .toArray();
    }

    public PairedScorer.Comparison result() {
        return new PairedScorer.Comparison(kl, same, dp, refLp, candLp, candTop);
    }
}
