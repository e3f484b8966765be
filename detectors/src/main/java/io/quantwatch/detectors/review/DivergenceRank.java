package io.quantwatch.detectors.review;

/**
 * How bad one divergent example is, for choosing which to show reviewers: broken JSON outranks
 * everything, then valid JSON that says something else (another tool, changed arguments or values: what an
 * agent acts on); below that an earlier first divergence and a larger mean KL weigh equally. Identical
 * outputs score 0 and are never shown.
 */
public final class DivergenceRank {
    private DivergenceRank() {}

    /**
     * @param jsonBroken          JSON was expected, the reference was valid and the candidate was not
     * @param jsonChanged         both outputs parsed as JSON and the tool, argument keys or a value differ
     * @param identical           the candidate's tokens equal the reference's
     * @param firstDivergenceRatio FDT / reference length in [0, 1]
     * @param meanKl              mean per-position KL in nats
     * @return a score in [0, 4): higher is worse
     */
    public static double badness(
            boolean jsonBroken, boolean jsonChanged, boolean identical, double firstDivergenceRatio, double meanKl) {
        if (identical && !jsonBroken) {
            return 0.0;
        }
        double early = 1.0 - Math.max(0.0, Math.min(1.0, firstDivergenceRatio));
        double kl = meanKl / (1.0 + meanKl); // squashed into [0, 1)
        return (jsonBroken ? 3.0 : jsonChanged ? 1.0 : 0.0) + 0.5 * early + 0.5 * kl;
    }
}
