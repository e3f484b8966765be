package io.quantwatch.embedded;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

/** Reads this JVM's counters back (the demo's header, the overload benchmark's accounting): totals over all matching series. */
public final class CounterTotals {
    private final MeterRegistry registry;

    public CounterTotals(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The total of counter {@code name} over every tag combination. */
    public long total(String name) {
        return sum(Search.in(registry).name(name));
    }

    /** The total of counter {@code name} where {@code tag} is {@code value}. */
    public long total(String name, String tag, String value) {
        return sum(Search.in(registry).name(name).tag(tag, value));
    }

    /** The current value of gauge {@code name} averaged over its series (NaN when there is none). */
    public double gaugeMean(String name) {
        return Search.in(registry).name(name).gauges().stream().mapToDouble(g -> g.value()).filter(v -> !Double.isNaN(v)).average()
                .orElse(Double.NaN);
    }

    private static long sum(Search search) {
        return Math.round(search.counters().stream().mapToDouble(c -> c.count()).sum());
    }
}
