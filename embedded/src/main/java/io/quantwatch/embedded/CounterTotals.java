package io.quantwatch.embedded;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

/** Reads this JVM's counters back (the demo's header, the overload benchmark's accounting): totals over all matching series. */
public final class CounterTotals {
    private final MeterRegistry registry;

    public CounterTotals(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The total of counter {@code name} over the series matching {@code tags} (key, value, key, value, …; none: all series). */
    public long total(String name, String... tags) {
        return Math.round(Search.in(registry).name(name).tags(tags).counters().stream()
                .mapToDouble(c -> c.count())
                .sum());
    }

    /** The current value of gauge {@code name} averaged over its series (NaN when there is none). */
    public double gaugeMean(String name) {
        return Search.in(registry).name(name).gauges().stream()
                .mapToDouble(g -> g.value())
                .filter(v -> !Double.isNaN(v))
                .average()
                .orElse(Double.NaN);
    }
}
