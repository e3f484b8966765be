package io.quantwatch.job;

import io.quantwatch.connectors.metrics.DriftMeters;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.detectors.alert.AlertEvent;
import io.quantwatch.detectors.window.WindowReport;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.co.CoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Feeds closed windows and alert transitions into the JVM's Micrometer registry (Prometheus scrape, OTLP push), and
 * removes the series of keys idle for {@code idleAfter}; emits nothing.
 */
public final class PublishMeters extends CoProcessFunction<WindowReport, AlertEvent, Void> {
    private static final long serialVersionUID = 1L;

    private final MetricsSettings settings;
    private final long idleAfterMillis;
    private final int maxTenants;
    private final int maxTasks;
    private transient DriftMeters meters;
    private transient long lastSweep;

    /** @param maxTenants tenant label values per candidate besides {@code ~other} and the roll-up's (same for tasks) */
    public PublishMeters(MetricsSettings settings, java.time.Duration idleAfter, int maxTenants, int maxTasks) {
        this.settings = settings;
        this.idleAfterMillis = idleAfter.toMillis();
        this.maxTenants = maxTenants;
        this.maxTasks = maxTasks;
    }

    @Override
    public void open(OpenContext context) {
        io.quantwatch.connectors.JvmResources.releaseWithJob(getRuntimeContext());
        meters = JvmMeterRegistry.get(settings).driftMeters();
        meters.limitLabels(maxTenants + 1, maxTasks + 1); // + ~other
    }

    @Override
    public void processElement1(WindowReport window, Context ctx, Collector<Void> out) {
        long now = ctx.timerService().currentProcessingTime();
        meters.record(window, now);
        sweep(now);
    }

    @Override
    public void processElement2(AlertEvent alert, Context ctx, Collector<Void> out) {
        long now = ctx.timerService().currentProcessingTime();
        meters.record(alert, now);
        sweep(now);
    }

    /** At most once a minute: a sweep walks every key, and windows close in bursts. */
    private void sweep(long now) {
        if (now - lastSweep >= 60_000) {
            lastSweep = now;
            meters.removeIdle(now - idleAfterMillis);
        }
    }
}
