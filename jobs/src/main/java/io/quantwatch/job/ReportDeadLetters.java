package io.quantwatch.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.schemas.DeadLetter;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes trouble visible without reading Flink's logs: counts dead letters by error class
 * ({@code quantwatch_dead_letters_total}), logs an ERROR line with the record's coordinates (the first of each
 * class, then at most one per class every {@value #LOG_EVERY_MILLIS} ms with how many were not logged), and counts
 * this task's restarts after failures ({@code quantwatch_task_restarts_total}). Passes every letter on unchanged.
 */
public final class ReportDeadLetters extends ProcessFunction<DeadLetter, DeadLetter> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReportDeadLetters.class);
    static final long LOG_EVERY_MILLIS = 10_000;

    private final MetricsSettings metrics;
    private transient MeterRegistry registry;
    private transient Map<String, Long> lastLogged;
    private transient Map<String, Long> unlogged;

    public ReportDeadLetters(MetricsSettings metrics) {
        this.metrics = metrics;
    }

    @Override
    public void open(OpenContext context) {
        io.quantwatch.connectors.JvmResources.releaseWithJob(getRuntimeContext());
        registry = JvmMeterRegistry.get(metrics).registry();
        lastLogged = new HashMap<>();
        unlogged = new HashMap<>();
        int attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
        // Registered at 0 on the first attempt, so an alert on it sees a series before the first restart.
        Counter restarts = Counter.builder("quantwatch.task.restarts")
                .description("job restarts after a failure, seen by the dead-letter task")
                .register(registry);
        if (attempt > 0) {
            restarts.increment();
            LOG.error(
                    "quantwatch: the job restarted after a failure (attempt {}); see the Flink log for the cause",
                    attempt);
        }
    }

    @Override
    public void processElement(DeadLetter d, Context ctx, Collector<DeadLetter> out) {
        String errorClass = d.getErrorClass();
        Counter.builder("quantwatch.dead.letters")
                .tag("error_class", errorClass)
                .description("records sent to the dead-letter topic")
                .register(registry)
                .increment();
        long now = ctx.timerService().currentProcessingTime();
        Long last = lastLogged.get(errorClass);
        if (last == null || now - last >= LOG_EVERY_MILLIS) {
            long skipped = unlogged.getOrDefault(errorClass, 0L);
            LOG.error(
                    "quantwatch: dead letter {} from {}/{}@{}: {}{}",
                    errorClass,
                    d.getSourceTopic(),
                    d.getPartition(),
                    d.getOffset(),
                    d.getReason(),
                    skipped == 0 ? "" : " (" + skipped + " more of this class since the last line)");
            lastLogged.put(errorClass, now);
            unlogged.put(errorClass, 0L);
        } else {
            unlogged.merge(errorClass, 1L, Long::sum);
        }
        out.collect(d);
    }
}
