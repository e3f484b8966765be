package io.quantwatch.detectors.alert;

/**
 * When to raise and clear an alert on one metric. A rate fires only when its Wilson 95 % interval
 * lies wholly beyond the threshold (a confident breach, not noise); a mean fires when it crosses the
 * threshold. Either needs at least {@code minSamples} behind it, and clears only once the value is
 * {@code hysteresis} back on the good side, so alerts do not flap.
 */
public record AlertRule(String name, DriftMetric metric, Direction direction, double threshold, double hysteresis, long minSamples)
        implements java.io.Serializable {

    /** Which side of the threshold is bad. */
    public enum Direction { ABOVE, BELOW }

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
    }

    /** The defaults operators start from. */
    public static java.util.List<AlertRule> defaults() {
        return java.util.List.of(
                new AlertRule("json-broken", DriftMetric.JSON_BROKEN_RATE, Direction.ABOVE, 0.02, 0.01, 50),
                new AlertRule("perplexity-up-5pct", DriftMetric.PERPLEXITY_RATIO, Direction.ABOVE, 1.05, 0.01, 50),
                new AlertRule("eos-early", DriftMetric.EOS_EARLY_RATE, Direction.ABOVE, 0.05, 0.02, 50),
                new AlertRule("eos-late", DriftMetric.EOS_LATE_RATE, Direction.ABOVE, 0.05, 0.02, 50),
                new AlertRule("same-top1-low", DriftMetric.SAME_TOP1_RATE, Direction.BELOW, 0.90, 0.02, 500),
                // Valid JSON that says something else: an agent calling another tool, or with other arguments or values.
                new AlertRule("tool-changed", DriftMetric.TOOL_CHANGED_RATE, Direction.ABOVE, 0.02, 0.01, 50),
                new AlertRule("arguments-changed", DriftMetric.ARGUMENTS_CHANGED_RATE, Direction.ABOVE, 0.05, 0.02, 50),
                new AlertRule("value-changed", DriftMetric.VALUE_CHANGED_RATE, Direction.ABOVE, 0.10, 0.03, 50));
    }
}
