package io.quantwatch.detectors.alert;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * When to raise and clear an alert on one metric. Against a FIXED baseline the threshold is the bound: a rate fires
 * when its evidence says it is beyond the threshold (a Wilson interval wholly beyond it, or a CUSUM), a mean when it
 * crosses it, with at least {@code minSamples} behind it, and clears once {@code hysteresis} back on the good side.
 * Against a LEARNED baseline the threshold is a change from what this key did at first ({@link BaselineShiftTest}):
 * for a rate, percentage points away from its learned rate; for a mean, a factor on its learned mean; the baseline
 * is learned from the first {@code minSamples} samples (and at least {@link LearnedBaseline#MIN_WINDOWS} windows).
 */
public record AlertRule(
        String name,
        DriftMetric metric,
        Direction direction,
        double threshold,
        double hysteresis,
        long minSamples,
        Baseline baseline)
        implements Serializable {

    /** Which side of the threshold is bad. */
    public enum Direction {
        ABOVE,
        BELOW
    }

    /** What the threshold is measured from. */
    public enum Baseline {
        /** The threshold is the bound itself. */
        FIXED,
        /** The threshold is a change from the key's own learned baseline. */
        LEARNED
    }

    public AlertRule {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an alert rule needs a name");
        }
        if (hysteresis < 0) {
            throw new IllegalArgumentException("rule '" + name + "': hysteresis must be >= 0, got " + hysteresis);
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("rule '" + name + "': minSamples must be >= 1, got " + minSamples);
        }
        if (baseline == Baseline.LEARNED) {
            checkLearned(name, metric, direction, threshold, hysteresis);
        }
    }

    /** A rule against a fixed threshold. */
    public AlertRule(
            String name,
            DriftMetric metric,
            Direction direction,
            double threshold,
            double hysteresis,
            long minSamples) {
        this(name, metric, direction, threshold, hysteresis, minSamples, Baseline.FIXED);
    }

    private static void checkLearned(
            String name, DriftMetric metric, Direction direction, double threshold, double hysteresis) {
        String rule = "rule '" + name + "' (baseline: learned): ";
        if (hysteresis != 0) {
            throw new IllegalArgumentException(
                    rule + "hysteresis must be 0: it resolves when the evidence says the learned value is back");
        }
        if (metric == DriftMetric.PERPLEXITY_RATIO) {
            throw new IllegalArgumentException(
                    rule + "perplexity-ratio sits near 1, a factor on it means nothing; use mean-kl,"
                            + " or a fixed threshold such as 1.05");
        }
        if (metric.isRate() && !(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException(rule
                    + "threshold is the change in percentage points as a fraction, e.g. 0.05;" + " got " + threshold);
        }
        boolean above = direction == Direction.ABOVE;
        if (!metric.isRate() && !(above ? threshold > 1 : threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException(rule + "threshold is a factor on the learned mean, "
                    + (above ? "> 1 (e.g. 1.5)" : "between 0 and 1 (e.g. 0.5)") + " for direction "
                    + direction.name().toLowerCase(Locale.ROOT)
                    + "; got " + threshold);
        }
    }

    /** The defaults operators start from. */
    public static List<AlertRule> defaults() {
        return List.of(
                new AlertRule("json-broken", DriftMetric.JSON_BROKEN_RATE, Direction.ABOVE, 0.02, 0.01, 50),
                new AlertRule("perplexity-up-5pct", DriftMetric.PERPLEXITY_RATIO, Direction.ABOVE, 1.05, 0.01, 50),
                new AlertRule("eos-early", DriftMetric.EOS_EARLY_RATE, Direction.ABOVE, 0.05, 0.02, 50),
                new AlertRule("eos-late", DriftMetric.EOS_LATE_RATE, Direction.ABOVE, 0.05, 0.02, 50),
                new AlertRule("same-top1-low", DriftMetric.SAME_TOP1_RATE, Direction.BELOW, 0.90, 0.02, 500),
                // Valid JSON that says something else: an agent calling another tool, or with other arguments or
                // values.
                new AlertRule("tool-changed", DriftMetric.TOOL_CHANGED_RATE, Direction.ABOVE, 0.02, 0.01, 50),
                new AlertRule("arguments-changed", DriftMetric.ARGUMENTS_CHANGED_RATE, Direction.ABOVE, 0.05, 0.02, 50),
                new AlertRule("value-changed", DriftMetric.VALUE_CHANGED_RATE, Direction.ABOVE, 0.10, 0.03, 50),
                // A candidate that gets worse than it was (a driver, runtime or model file changed under it), far from
                // any fixed bound.
                new AlertRule(
                        "identical-down-5pp",
                        DriftMetric.IDENTICAL_RATE,
                        Direction.BELOW,
                        0.05,
                        0,
                        2_000,
                        Baseline.LEARNED),
                new AlertRule("kl-up-50pct", DriftMetric.MEAN_KL, Direction.ABOVE, 1.5, 0, 2_000, Baseline.LEARNED));
    }
}
