package io.quantwatch.detectors;

import java.io.Serializable;

/**
 * Per-prompt summary of the teacher-forced comparison, the figures llama.cpp's KL report gives:
 * mean and max KL, same-top-1 rate, mean Δp, and both negative log-likelihoods for the
 * perplexity ratio. Sums are kept so windows can merge them exactly.
 */
public record DistributionDrift(
        int positions,
        double klSum,
        double klMax,
        int sameTop1,
        double deltaPSum,
        double referenceNll,
        double candidateNll)
        implements Serializable {

    public double meanKl() {
        return positions == 0 ? 0.0 : klSum / positions;
    }

    public double sameTop1Rate() {
        return positions == 0 ? 1.0 : (double) sameTop1 / positions;
    }

    public double meanDeltaP() {
        return positions == 0 ? 0.0 : deltaPSum / positions;
    }

    /** PPL(candidate) / PPL(reference) on the reference's tokens. */
    public double perplexityRatio() {
        return positions == 0 ? 1.0 : Math.exp((candidateNll - referenceNll) / positions);
    }

    public static DistributionDrift of(TeacherForcedScores s) {
        double klSum = 0;
        double klMax = 0;
        int same = 0;
        double dp = 0;
        double refNll = 0;
        double candNll = 0;
        for (int i = 0; i < s.positions(); i++) {
            klSum += s.kl()[i];
            klMax = Math.max(klMax, s.kl()[i]);
            same += s.sameTop1()[i] ? 1 : 0;
            dp += s.deltaP()[i];
            refNll -= s.referenceLogprob()[i];
            candNll -= s.candidateLogprob()[i];
        }
        return new DistributionDrift(s.positions(), klSum, klMax, same, dp, refNll, candNll);
    }
}
