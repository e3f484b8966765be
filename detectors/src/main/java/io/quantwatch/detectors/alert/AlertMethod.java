package io.quantwatch.detectors.alert;

/** How rate rules decide ({@code alerts.method}); mean rules always test each window. */
public enum AlertMethod {
    /** One one-sided Wilson test per window ({@link AlertEvaluator}). */
    WINDOW,
    /** A Bernoulli CUSUM over consecutive windows ({@link SequentialRateTest}). */
    CUSUM
}
