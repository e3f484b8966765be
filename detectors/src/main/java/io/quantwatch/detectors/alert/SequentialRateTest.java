package io.quantwatch.detectors.alert;

import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.Rate;
import io.quantwatch.detectors.window.WilsonInterval;
import java.util.Optional;

/**
 * A rate rule as a Bernoulli CUSUM over consecutive windows instead of one Wilson test per window: each window adds
 * the log-likelihood ratio of its hits and misses under the bad rate (threshold + hysteresis, on the bad side) against
 * the good rate (threshold − hysteresis), the score never drops below 0, and the rule fires when it reaches
 * {@code decisionThreshold}. A firing rule resolves when the mirrored score (good against bad) reaches it too. Evidence
 * thus adds up across small windows (a sparse key still alerts) while a healthy stream keeps falling back to 0,
 * which keeps false alarms rare across many keys and rules. Mean rules keep the per-window test of {@link AlertEvaluator}.
 */
public final class SequentialRateTest {

    /** The score after a window, and the transition it caused. */
    public record Step(double score, Optional<AlertTransition> transition) {}

    private SequentialRateTest() {}

    /**
     * @param score             the rule's score on this key before the window (0 for a new key)
     * @param decisionThreshold the score that fires (or, while firing, resolves) the rule
     */
    public static Step step(
            AlertRule rule, boolean firing, double score, DriftSummary window, double decisionThreshold) {
        DriftMetric m = rule.metric();
        if (!m.isRate()) {
            return new Step(score, AlertEvaluator.evaluate(rule, firing, window));
        }
        Rate r = m.rate(window);
        if (r.trials() == 0) {
            return new Step(score, Optional.empty());
        }
        boolean above = rule.direction() == AlertRule.Direction.ABOVE;
        double good = clamp(above ? rule.threshold() - rule.hysteresis() : rule.threshold() + rule.hysteresis());
        double bad = clamp(above ? rule.threshold() + rule.hysteresis() : rule.threshold() - rule.hysteresis());
        double llr = evidence(r, window.prompts(), good, bad);
        double next = Math.max(0, score + (firing ? -llr : llr));
        if (next < decisionThreshold) {
            return new Step(next, Optional.empty());
        }
        WilsonInterval i = r.interval();
        AlertTransition.State state = firing ? AlertTransition.State.RESOLVED : AlertTransition.State.FIRING;
        return new Step(
                0,
                Optional.of(new AlertTransition(
                        rule, state, r.value(), i.lower(), i.upper(), r.trials(), rule.threshold())));
    }

    /**
     * The log-likelihood ratio of a window's hits and misses under the bad rate against the good one. Rates pooled
     * over token positions are not independent trials: they weigh as many trials as the window has prompts.
     */
    static double evidence(Rate r, long prompts, double good, double bad) {
        double llr = r.hits() * Math.log(bad / good) + (r.trials() - r.hits()) * Math.log((1 - bad) / (1 - good));
        return llr * Math.min(1.0, (double) prompts / r.trials());
    }

    static double clamp(double p) {
        return Math.min(1 - 1e-6, Math.max(1e-6, p));
    }
}
