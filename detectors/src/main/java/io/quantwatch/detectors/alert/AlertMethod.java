package io.quantwatch.detectors.alert;

import io.quantwatch.detectors.window.DriftSummary;

/** How rate rules decide ({@code alerts.method}); mean rules always test each window. */
public enum AlertMethod {
    /** One one-sided Wilson test per window ({@link AlertEvaluator}). */
    WINDOW,
    /** A Bernoulli CUSUM over consecutive windows ({@link SequentialRateTest}). */
    CUSUM;

    /**
     * One rule's decision on one window: the score it carries to the next window (always 0 per window) and the
     * transition, if any.
     *
     * @param score             the rule's score on this key before the window
     * @param decisionThreshold the CUSUM's threshold (unused per window)
     */
    public SequentialRateTest.Step decide(AlertRule rule, boolean firing, double score, DriftSummary window, double decisionThreshold) {
        return this == CUSUM ? SequentialRateTest.step(rule, firing, score, window, decisionThreshold)
                : new SequentialRateTest.Step(0, AlertEvaluator.evaluate(rule, firing, window));
    }
}
