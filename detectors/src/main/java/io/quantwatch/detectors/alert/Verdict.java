package io.quantwatch.detectors.alert;

import io.quantwatch.detectors.window.DriftSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * A recipe's standing against its reference, from the seed's guidance: an INT8-like perplexity
 * delta (≤ +1.5 %) with no confident JSON breakage is SAFE; +5 % or more, or JSON confidently broken
 * beyond 2 %, says STOP_AND_RECONSIDER; anything between is WATCH.
 */
public record Verdict(Level level, List<String> reasons) {

    public enum Level { INSUFFICIENT_DATA, SAFE, WATCH, STOP_AND_RECONSIDER }

    /** Thresholds of the verdict; {@link #defaults()} follows the seed. */
    public record Policy(double safePerplexityIncrease, double stopPerplexityIncrease, double maxJsonBrokenRate, long minPrompts) {
        public static Policy defaults() {
            return new Policy(0.015, 0.05, 0.02, 30);
        }
    }

    public static Verdict of(DriftSummary s, Policy p) {
        List<String> reasons = new ArrayList<>();
        if (s.prompts() < p.minPrompts()) {
            return new Verdict(Level.INSUFFICIENT_DATA, List.of(s.prompts() + " prompts, " + p.minPrompts() + " needed"));
        }
        double increase = s.perplexityRatio() - 1;
        var broken = s.jsonBroken().interval();
        boolean stop = false;
        if (increase >= p.stopPerplexityIncrease()) {
            reasons.add(String.format("perplexity %+.2f %% (stop at %+.1f %%)", increase * 100, p.stopPerplexityIncrease() * 100));
            stop = true;
        }
        if (s.jsonBroken().trials() > 0 && broken.lower() > p.maxJsonBrokenRate()) {
            reasons.add(String.format("JSON broken in %.1f %% of JSON answers (95 %% CI from %.1f %%)", s.jsonBroken().value() * 100, broken.lower() * 100));
            stop = true;
        }
        if (stop) {
            return new Verdict(Level.STOP_AND_RECONSIDER, List.copyOf(reasons));
        }
        boolean jsonClean = s.jsonBroken().trials() == 0 || broken.upper() <= p.maxJsonBrokenRate() || s.jsonBroken().hits() == 0;
        if (increase <= p.safePerplexityIncrease() && jsonClean) {
            return new Verdict(Level.SAFE, List.of(String.format("perplexity %+.2f %%, INT8-like", increase * 100)));
        }
        reasons.add(String.format("perplexity %+.2f %%", increase * 100));
        if (!jsonClean) {
            reasons.add(String.format("JSON broken in %.1f %% (not yet confident)", s.jsonBroken().value() * 100));
        }
        return new Verdict(Level.WATCH, List.copyOf(reasons));
    }
}
