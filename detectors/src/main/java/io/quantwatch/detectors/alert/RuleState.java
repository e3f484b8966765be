package io.quantwatch.detectors.alert;

import java.util.Optional;

/** One alert rule's memory on one key from window to window: firing or not, its CUSUM score and its learned baseline. */
public record RuleState(boolean firing, double score, LearnedBaseline baseline) {
    /** A key the rule has not seen. */
    public static final RuleState NEW = new RuleState(false, 0, LearnedBaseline.EMPTY);

    /** The state after a window and the transition that window caused, if any. */
    public record Next(RuleState state, Optional<AlertTransition> transition) {}
}
