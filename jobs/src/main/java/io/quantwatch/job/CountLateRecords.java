package io.quantwatch.job;

import io.micrometer.core.instrument.Counter;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.schemas.ComparisonOutcome;
import io.quantwatch.schemas.ShadowRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts shadow records that arrived after their window closed ({@code quantwatch_late_records_total}
 * per candidate). They are still on the shadow-records topic; only the window missed them.
 */
public final class CountLateRecords extends ProcessFunction<ShadowRecord, Void> {
    private static final long serialVersionUID = 1L;

    private final MetricsSettings settings;
    private transient io.micrometer.core.instrument.MeterRegistry registry;

    public CountLateRecords(MetricsSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        registry = JvmMeterRegistry.get(settings).registry();
    }

    @Override
    public void processElement(ShadowRecord r, Context ctx, Collector<Void> out) {
        if (r.getOutcome() == ComparisonOutcome.SHED) {
            return; // a shed prompt's tally, not a shadow record
        }
        Counter.builder("quantwatch.late.records").tag("candidate", r.getCandidate())
                .description("shadow records behind the watermark, missed by their window").register(registry).increment();
    }
}
