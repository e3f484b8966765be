package io.quantwatch.detectors;

import io.quantwatch.detectors.review.DivergenceRank;
import java.io.Serializable;

/**
 * Every drift signal for one (prompt, candidate) pair: the record that windows aggregate and the
 * divergent-sample stream ranks.
 */
public record ShadowMetrics(
        TokenDivergence divergence,
        double positionalAgreement,
        DistributionDrift distribution,
        boolean jsonExpected,
        JsonVerdict referenceJson,
        JsonVerdict candidateJson,
        LengthDrift length,
        RepetitionDrift repetition,
        InstructionSlips slips,
        RareTokenLoss rareTokens,
        JsonTreeDrift tree)
        implements Serializable {

    /** JSON was expected and the reference produced valid JSON but the candidate did not: the failure operators alert on. */
    public boolean jsonBroken() {
        return jsonExpected && referenceJson.valid() && !candidateJson.valid();
    }

    /** How bad this divergence is for review ({@link DivergenceRank}): the one ranking the stream and evaluate share. */
    public double badness() {
        return DivergenceRank.badness(
                jsonBroken(),
                tree.saysSomethingElse(),
                divergence.identical(),
                divergence.firstDivergenceRatio(),
                distribution.meanKl());
    }
}
