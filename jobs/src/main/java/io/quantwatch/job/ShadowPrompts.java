package io.quantwatch.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quantwatch.connectors.kafka.AvroSingleObjectSerializer;
import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.kafka.ShadowRecordMapping;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.connectors.shadow.ShadowOutcome;
import io.quantwatch.connectors.shadow.ShadowRunner;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ShadowRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The shadow operator: runs each sampled prompt through the reference and every candidate
 * (models from the per-JVM cache, loaded in {@code open}) and emits one {@link ShadowRecord} per
 * candidate. A prompt the models cannot take (too long) becomes a dead letter with the reason.
 */
public final class ShadowPrompts extends ProcessFunction<PromptEvent, ShadowRecord> {
    private static final long serialVersionUID = 1L;
    private static final AvroSingleObjectSerializer<PromptEvent> PROMPT_BYTES = new AvroSingleObjectSerializer<>(PromptEvent.class);

    private final MonitorConfig config;
    private final MetricsSettings metrics;
    private transient ShadowRunner runner;
    private transient Timer latency;
    private transient Counter rejected;
    private transient Counter shadowed;
    private transient Counter skipped;

    public ShadowPrompts(MonitorConfig config) {
        this.config = config;
        this.metrics = config.metrics().settings();
    }

    @Override
    public void open(OpenContext context) {
        runner = new ShadowRunner(PipelineAssembly.pairs(config), config.engine().maxTokens());
        MeterRegistry r = JvmMeterRegistry.get(metrics).registry();
        latency = Timer.builder("quantwatch.shadow.latency").description("reference + all candidates for one prompt")
                .publishPercentileHistogram().register(r);
        skipped = Counter.builder("quantwatch.shadow.skipped").description("candidate comparisons skipped (e.g. prompt over the NPU's static length)")
                .register(r);
        shadowed = Counter.builder("quantwatch.shadowed").description("prompts compared with every candidate").register(r);
        rejected = Counter.builder("quantwatch.shadow.rejected").description("sampled prompts the models could not take").register(r);
    }

    @Override
    public void processElement(PromptEvent prompt, Context ctx, Collector<ShadowRecord> out) {
        long t0 = System.nanoTime();
        ShadowOutcome outcome = runner.shadow(prompt);
        latency.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (outcome instanceof ShadowOutcome.Compared compared) {
            shadowed.increment();
            compared.skipped().forEach(k -> skipped.increment());
            for (ShadowOutcome.CandidateResult c : compared.results()) {
                out.collect(ShadowRecordMapping.toAvro(prompt, c.candidate(), c.metrics(), c.referenceFinish(), c.candidateFinish(),
                        c.referenceText(), c.candidateText()));
            }
        } else if (outcome instanceof ShadowOutcome.Rejected r) {
            rejected.increment();
            // The prompt is re-encoded (Avro single-object); partition and offset are no longer known here.
            byte[] bytes = PROMPT_BYTES.serialize(prompt);
            ctx.output(DecodePrompts.DEAD_LETTERS, DecodePrompts.deadLetter(
                    new RawPromptRecord(config.topics().prompts(), -1, -1, prompt.getEventTime().toEpochMilli(),
                            prompt.getRequestId().getBytes(java.nio.charset.StandardCharsets.UTF_8), bytes),
                    r.reason(), r.errorKind()));
        }
    }

    @Override
    public void close() {
        if (runner != null) {
            runner.close();
        }
    }
}
