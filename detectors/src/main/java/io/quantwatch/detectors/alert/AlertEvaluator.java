package io.quantwatch.detectors.alert;

import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.Rate;
import io.quantwatch.detectors.window.WilsonInterval;
import java.util.Optional;

/** The alert state machine of one rule on one key: feed each window, get a transition when the state changes. */
public final class AlertEvaluator {
    private AlertEvaluator() {}

    /**
     * @param firing whether the alert is currently firing for this key
     * @return the transition this window causes, if any
     */
    public static Optional<AlertTransition> evaluate(AlertRule rule, boolean firing, DriftSummary window) {
        DriftMetric m = rule.metric();
        long samples = m.samples(window);
        double value = m.value(window);
        if (samples < rule.minSamples() || Double.isNaN(value)) {
            return Optional.empty(); // too little evidence either way: keep the current state
        }
        double lower = value;
        double upper = value;
        if (m.isRate()) {
            Rate r = m.rate(window);
            WilsonInterval i = r.interval();
            lower = i.lower();
            upper = i.upper();
        }
        boolean above = rule.direction() == AlertRule.Direction.ABOVE;
        if (!firing) {
            boolean breach = above ? lower > rule.threshold() : upper < rule.threshold();
            return breach
                    ? Optional.of(new AlertTransition(
                            rule, AlertTransition.State.FIRING, value, lower, upper, samples, rule.threshold()))
                    : Optional.empty();
        }
        boolean recovered =
                above ? value < rule.threshold() - rule.hysteresis() : value > rule.threshold() + rule.hysteresis();
        return recovered
                ? Optional.of(new AlertTransition(
                        rule, AlertTransition.State.RESOLVED, value, lower, upper, samples, rule.threshold()))
                : Optional.empty();
    }
}
