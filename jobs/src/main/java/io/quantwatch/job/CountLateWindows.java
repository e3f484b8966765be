package io.quantwatch.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts per-key windows that reached the candidate roll-up after it had fired ({@code quantwatch_late_windows_total}
 * per candidate): the per-key window was published, but the roll-up of its interval lacks it.
 */
public final class CountLateWindows extends ProcessFunction<KeyedWindow, Void> {
    private static final long serialVersionUID = 1L;

    private final MetricsSettings settings;
    private transient MeterRegistry registry;

    public CountLateWindows(MetricsSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        registry = JvmMeterRegistry.get(settings).registry();
    }

    @Override
    public void processElement(KeyedWindow w, Context ctx, Collector<Void> out) {
        Counter.builder("quantwatch.late.windows").tag("candidate", w.key().candidate())
                .description("per-key windows that missed their roll-up").register(registry).increment();
    }
}
