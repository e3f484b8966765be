package io.quantwatch.detectors.calibration;

import io.quantwatch.detectors.DistributionDrift;
import io.quantwatch.detectors.JsonFailure;
import io.quantwatch.detectors.JsonVerdict;
import io.quantwatch.detectors.LengthDrift;
import io.quantwatch.detectors.ShadowMetrics;
import io.quantwatch.detectors.TokenDivergence;
import java.util.Random;

/**
 * A regression injected into one candidate's per-prompt figures, on top of the measured baseline (or none, for
 * an A/A run). Each adds what a real regression adds: more JSON breakage, earlier ends, a wider distribution shift,
 * fewer identical answers.
 */
public enum Injection {
    NONE("A/A"),
    /** JSON broken +2 percentage points over the 1 % baseline. */
    JSON_2PP("JSON broken +2 pp"),
    /** EOS early +5 percentage points over the measured baseline. */
    EOS_EARLY_5PP("EOS early +5 pp"),
    /** KL, excess NLL and top-1 disagreement doubled. */
    KL_2X("mean KL ×2"),
    /** Identical answers −10 percentage points. */
    IDENTICAL_MINUS_10PP("identical −10 pp");

    /** The JSON-broken rate of healthy traffic (among prompts whose reference answered valid JSON). */
    public static final double BASELINE_JSON_BROKEN = 0.01;

    private final String label;

    Injection(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * One prompt's figures: the measured record with the baseline JSON-broken rate, then this regression.
     *
     * @param identicalShare the measured share of identical answers (the −10 pp injection flips that many more)
     * @param eosEarlyShare  the measured share of early ends
     */
    public ShadowMetrics apply(ShadowMetrics m, Random r, double identicalShare, double eosEarlyShare) {
        // JSON breakage is drawn afresh where it can happen (JSON expected, reference valid): 1 % healthy, 3 %
        // injected.
        boolean jsonTrial = m.jsonExpected() && m.referenceJson().valid();
        ShadowMetrics out = !jsonTrial
                ? m
                : withJsonBroken(
                        m, r.nextDouble() < (this == JSON_2PP ? BASELINE_JSON_BROKEN + 0.02 : BASELINE_JSON_BROKEN));
        switch (this) {
            case EOS_EARLY_5PP -> {
                // Among the prompts not already early, flip enough to add 5 pp overall.
                if (!out.length().eosEarly() && r.nextDouble() < 0.05 / Math.max(1e-9, 1 - eosEarlyShare)) {
                    LengthDrift l = out.length();
                    out = with(
                            out,
                            out.divergence(),
                            out.distribution(),
                            new LengthDrift(l.referenceTokens(), Math.max(1, l.candidateTokens() / 2), true, false));
                }
            }
            case KL_2X -> {
                DistributionDrift d = out.distribution();
                int disagree = d.positions() - d.sameTop1();
                out = with(
                        out,
                        out.divergence(),
                        new DistributionDrift(
                                d.positions(),
                                2 * d.klSum(),
                                2 * d.klMax(),
                                Math.max(0, d.positions() - 2 * disagree),
                                2 * d.deltaPSum(),
                                d.referenceNll(),
                                d.referenceNll() + 2 * (d.candidateNll() - d.referenceNll())),
                        out.length());
            }
            case IDENTICAL_MINUS_10PP -> {
                TokenDivergence t = out.divergence();
                if (t.identical() && r.nextDouble() < 0.10 / Math.max(1e-9, identicalShare)) {
                    int at = Math.max(0, t.referenceLength() / 2);
                    out = with(
                            out,
                            new TokenDivergence(
                                    at,
                                    Math.max(1, t.referenceLength() - at),
                                    t.referenceLength(),
                                    t.candidateLength(),
                                    Math.max(1, t.referenceLength() - at)),
                            out.distribution(),
                            out.length());
                }
            }
            default -> {}
        }
        return out;
    }

    /** The prompt as one whose reference answered valid JSON, and the candidate broke it or not. */
    private static ShadowMetrics withJsonBroken(ShadowMetrics m, boolean broken) {
        JsonVerdict valid = new JsonVerdict(JsonFailure.NONE, "");
        return new ShadowMetrics(
                m.divergence(),
                m.positionalAgreement(),
                m.distribution(),
                true,
                valid,
                broken ? new JsonVerdict(JsonFailure.TRUNCATED, "") : valid,
                m.length(),
                m.repetition(),
                m.slips(),
                m.rareTokens(),
                m.tree());
    }

    /** The figures with the divergence, distribution and length an injection changed; the rest as measured. */
    private static ShadowMetrics with(ShadowMetrics m, TokenDivergence t, DistributionDrift d, LengthDrift l) {
        return new ShadowMetrics(
                t,
                m.positionalAgreement(),
                d,
                m.jsonExpected(),
                m.referenceJson(),
                m.candidateJson(),
                l,
                m.repetition(),
                m.slips(),
                m.rareTokens(),
                m.tree());
    }
}
