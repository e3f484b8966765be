package io.quantwatch.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.detectors.ShadowResult;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts what reached a window operator after its window had fired, per candidate: shadow records that missed
 * their per-key window ({@code quantwatch_late_records_total}; still on the shadow-records topic), and per-key
 * windows that missed their candidate roll-up ({@code quantwatch_late_windows_total}).
 */
public final class CountLate<T> extends ProcessFunction<T, Void> {
    private static final long serialVersionUID = 1L;

    private final String meter;
    private final String description;
    private final MetricsSettings settings;
    /** The candidate to count under, or null for what is not counted. */
    private final KeySelector<T, String> candidate;
    /** The configured candidates, whose counters exist at 0 from the start (a rate of nothing is 0, not absent). */
    private final List<String> candidates;

    private transient MeterRegistry registry;

    private CountLate(
            String meter,
            String description,
            MetricsSettings settings,
            List<String> candidates,
            KeySelector<T, String> candidate) {
        this.meter = meter;
        this.description = description;
        this.settings = settings;
        this.candidates = List.copyOf(candidates);
        this.candidate = candidate;
    }

    /** Late shadow records; a shed prompt's tally is not a shadow record and is not counted. */
    public static CountLate<ShadowResult> records(MetricsSettings settings, List<String> candidates) {
        return new CountLate<>(
                "quantwatch.late.records",
                "shadow records behind the watermark, missed by their window",
                settings,
                candidates,
                r -> r.outcome() == ShadowResult.Outcome.SHED ? null : r.candidate());
    }

    /** Per-key windows that reached the roll-up after it fired. */
    public static CountLate<KeyedWindow> windows(MetricsSettings settings, List<String> candidates) {
        return new CountLate<>(
                "quantwatch.late.windows",
                "per-key windows that missed their roll-up",
                settings,
                candidates,
                w -> w.key().candidate());
    }

    @Override
    public void open(OpenContext context) {
        io.quantwatch.connectors.JvmResources.releaseWithJob(getRuntimeContext());
        registry = JvmMeterRegistry.get(settings).registry();
        candidates.forEach(this::counter);
    }

    @Override
    public void processElement(T value, Context ctx, Collector<Void> out) throws Exception {
        String c = candidate.getKey(value);
        if (c != null) {
            counter(c).increment();
        }
    }

    private Counter counter(String c) {
        return Counter.builder(meter)
                .tag("candidate", c)
                .description(description)
                .register(registry);
    }
}
