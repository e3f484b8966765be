package io.quantwatch.detectors.alert;

/** An alert changing state: what drift-alerts carries. */
public record AlertTransition(AlertRule rule, State state, double value, double intervalLower, double intervalUpper, long samples) {

    /** FIRING when raised, RESOLVED when cleared. */
    public enum State { FIRING, RESOLVED }
}
