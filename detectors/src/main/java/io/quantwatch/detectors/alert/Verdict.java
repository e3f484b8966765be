package io.quantwatch.detectors.alert;

import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.Rate;
import io.quantwatch.detectors.window.WilsonInterval;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A recipe's standing against its reference. Divergence weighs where it matters: structured outputs (JSON broken,
 * another tool, changed arguments or values) and constrained replies (a broken sentence count), each counted only
 * among the prompts of its kind, so a free-text task's benign rewording never moves them; free text weighs through
 * perplexity alone, with the seed's thresholds (≤ +1.5 % INT8-like, ≥ +5 % stop). A confident structural breach is
 * STOP_AND_RECONSIDER however few prompts stand behind it; SAFE needs every structural signal clean and enough prompts.
 * The reasons name what weighed.
 */
public record Verdict(Level level, List<String> reasons) {

    public enum Level {
        INSUFFICIENT_DATA,
        SAFE,
        WATCH,
        STOP_AND_RECONSIDER
    }

    /** Thresholds of the verdict; {@link #defaults()} follows the seed. */
    public record Policy(
            double safePerplexityIncrease,
            double stopPerplexityIncrease,
            double maxJsonBrokenRate,
            long minPrompts,
            double maxToolChangedRate,
            double maxArgumentsChangedRate,
            double maxValueChangedRate,
            double maxSentenceBrokenRate) {
        public static Policy defaults() {
            return new Policy(0.015, 0.05, 0.02, 30, 0.02, 0.05, 0.10, 0.05);
        }
    }

    /** One structural signal: its rate among the prompts of its kind and the most it may reach. */
    private record Signal(String what, String among, Rate rate, double max) {
        WilsonInterval interval() {
            return rate.interval();
        }

        boolean confidentlyBad() {
            return rate.trials() > 0 && interval().lower() > max;
        }

        /** Clean when nothing happened, or when the whole interval is within the limit. */
        boolean clean() {
            return rate.trials() == 0 || rate.hits() == 0 || interval().upper() <= max;
        }

        String describe() {
            return String.format(
                    Locale.ROOT,
                    "%s in %.1f %% of %s (%d/%d, 95 %% CI %.1f–%.1f %%, limit %.0f %%)",
                    what,
                    rate.value() * 100,
                    among,
                    rate.hits(),
                    rate.trials(),
                    interval().lower() * 100,
                    interval().upper() * 100,
                    max * 100);
        }
    }

    public static Verdict of(DriftSummary s, Policy p) {
        List<Signal> structural = List.of(
                new Signal("JSON broken", "JSON answers", s.jsonBroken(), p.maxJsonBrokenRate()),
                new Signal("another tool called", "parsed tool calls", s.toolChanged(), p.maxToolChangedRate()),
                new Signal(
                        "argument keys changed",
                        "parsed JSON answers",
                        s.argumentsChanged(),
                        p.maxArgumentsChangedRate()),
                new Signal("argument values changed", "parsed JSON answers", s.valueChanged(), p.maxValueChangedRate()),
                new Signal(
                        "sentence count broken", "constrained replies", s.sentenceBroken(), p.maxSentenceBrokenRate()));
        double increase = s.perplexityRatio() - 1;
        boolean enough = s.prompts() >= p.minPrompts();
        List<String> stop = new ArrayList<>();
        structural.stream().filter(Signal::confidentlyBad).forEach(x -> stop.add(x.describe()));
        if (enough && increase >= p.stopPerplexityIncrease()) {
            stop.add(String.format(
                    Locale.ROOT,
                    "perplexity %+.2f %% (stop at %+.1f %%)",
                    increase * 100,
                    p.stopPerplexityIncrease() * 100));
        }
        if (!stop.isEmpty()) {
            return new Verdict(Level.STOP_AND_RECONSIDER, List.copyOf(stop));
        }
        List<String> doubtful = structural.stream()
                .filter(x -> !x.clean())
                .map(x -> x.describe() + ": not yet confident")
                .toList();
        if (!enough) {
            List<String> reasons = new ArrayList<>();
            reasons.add(s.prompts() + " prompts, " + p.minPrompts()
                    + " needed for a verdict unless a structured output is confidently broken");
            reasons.addAll(doubtful);
            return new Verdict(Level.INSUFFICIENT_DATA, List.copyOf(reasons));
        }
        String freeText = s.identical().trials() == 0
                ? ""
                : String.format(
                        Locale.ROOT,
                        "; %.0f %% of answers differ from the reference, which weighs only through the signals above",
                        (1 - s.identical().value()) * 100);
        if (increase <= p.safePerplexityIncrease() && doubtful.isEmpty()) {
            return new Verdict(
                    Level.SAFE,
                    List.of(String.format(
                            Locale.ROOT,
                            "perplexity %+.2f %%, INT8-like; structured outputs clean%s",
                            increase * 100,
                            freeText)));
        }
        List<String> reasons = new ArrayList<>();
        reasons.add(String.format(
                Locale.ROOT,
                "perplexity %+.2f %% (SAFE up to %+.1f %%)%s",
                increase * 100,
                p.safePerplexityIncrease() * 100,
                freeText));
        reasons.addAll(doubtful);
        return new Verdict(Level.WATCH, List.copyOf(reasons));
    }
}
