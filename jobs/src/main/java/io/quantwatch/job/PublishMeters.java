package io.quantwatch.job;

import io.quantwatch.connectors.metrics.DriftMeters;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.detectors.alert.AlertEvent;
import io.quantwatch.detectors.window.WindowReport;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.co.CoProcessFunction;
import org.apache.flink.util.Collector;

/** Feeds closed windows and alert transitions into the JVM's Micrometer registry (Prometheus scrape, OTLP push); emits nothing. */
public final class PublishMeters extends CoProcessFunction<WindowReport, AlertEvent, Void> {
    private static final long serialVersionUID = 1L;

    private final MetricsSettings settings;
    private transient DriftMeters meters;

    public PublishMeters(MetricsSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        meters = JvmMeterRegistry.get(settings).driftMeters();
    }

    @Override
    public void processElement1(WindowReport window, Context ctx, Collector<Void> out) {
        meters.record(window);
    }

    @Override
    public void processElement2(AlertEvent alert, Context ctx, Collector<Void> out) {
        meters.record(alert);
    }
}
