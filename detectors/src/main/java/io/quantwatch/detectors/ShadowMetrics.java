package io.quantwatch.detectors;

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
        JsonTreeDrift tree) {

    /** JSON was expected and the reference produced valid JSON but the candidate did not: the failure operators alert on. */
    public boolean jsonBroken() {
        return jsonExpected && referenceJson.valid() && !candidateJson.valid();
    }
}
