package io.quantwatch.detectors.alert;

/**
 * An alert changing state: what drift-alerts carries. {@code bound} is the value the rule tests against: its threshold,
 * or for a rule on a learned baseline the baseline moved by the threshold.
 */
public record AlertTransition(
        AlertRule rule,
        State state,
        double value,
        double intervalLower,
        double intervalUpper,
        long samples,
        double bound) {

    /** FIRING when raised, RESOLVED when cleared. */
    public enum State {
        FIRING,
        RESOLVED
    }
}
