package io.quantwatch.detectors.alert;

import io.quantwatch.detectors.window.DriftSummary;
import java.util.Optional;

/**
 * How rate rules on a fixed threshold decide ({@code alerts.method}); mean rules on a fixed threshold always test each
 * window, and rules on a learned baseline always use their own CUSUM ({@link BaselineShiftTest}).
 */
public enum AlertMethod {
    /** One one-sided Wilson test per window ({@link AlertEvaluator}). */
    WINDOW,
    /** A Bernoulli CUSUM over consecutive windows ({@link SequentialRateTest}). */
    CUSUM;

    /**
     * One rule's decision on one window, for the alert operator and the detection simulation alike.
     *
     * @param decisionThreshold the CUSUM's threshold in nats (unused by per-window tests)
     */
    public RuleState.Next decide(AlertRule rule, RuleState state, DriftSummary window, double decisionThreshold) {
        if (rule.baseline() == AlertRule.Baseline.LEARNED) {
            return BaselineShiftTest.step(rule, state, window, decisionThreshold);
        }
        SequentialRateTest.Step step = this == CUSUM
                ? SequentialRateTest.step(rule, state.firing(), state.score(), window, decisionThreshold)
                : new SequentialRateTest.Step(0, AlertEvaluator.evaluate(rule, state.firing(), window));
        Optional<AlertTransition> t = step.transition();
        boolean firing = t.map(x -> x.state() == AlertTransition.State.FIRING).orElse(state.firing());
        return new RuleState.Next(new RuleState(firing, step.score(), state.baseline()), t);
    }
}
