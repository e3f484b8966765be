package io.quantwatch.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quantwatch.connectors.engine.EngineShadowRunner;
import io.quantwatch.connectors.engine.ShadowOutcome;
import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.kafka.ShadowRecordMapping;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.schemas.DeadLetter;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ShadowRecord;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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

    private final String promptsTopic;
    private final String referenceModel;
    private final LinkedHashMap<String, String> candidates;
    private final int threads;
    private final int maxTokens;
    private final MetricsSettings metrics;
    private transient EngineShadowRunner runner;
    private transient Timer latency;
    private transient Counter rejected;
    private transient Counter shadowed;

    public ShadowPrompts(String promptsTopic, String referenceModel, Map<String, String> candidates, int threads, int maxTokens, MetricsSettings metrics) {
        this.promptsTopic = promptsTopic;
        this.referenceModel = referenceModel;
        this.candidates = new LinkedHashMap<>(candidates);
        this.threads = threads;
        this.maxTokens = maxTokens;
        this.metrics = metrics;
    }

    @Override
    public void open(OpenContext context) {
        runner = new EngineShadowRunner(Path.of(referenceModel), candidates, threads, maxTokens);
        MeterRegistry r = JvmMeterRegistry.get(metrics).registry();
        latency = Timer.builder("quantwatch.shadow.latency").description("reference + all candidates for one prompt")
                .publishPercentileHistogram().register(r);
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
            for (ShadowOutcome.CandidateResult c : compared.results()) {
                out.collect(ShadowRecordMapping.toAvro(prompt, c.candidate(), c.metrics(), c.referenceFinish(), c.candidateFinish(),
                        c.referenceText(), c.candidateText()));
            }
        } else if (outcome instanceof ShadowOutcome.Rejected r) {
            rejected.increment();
            // The prompt is re-encoded (Avro single-object); partition and offset are no longer known here.
            byte[] bytes = toBytes(prompt);
            ctx.output(DecodePrompts.DEAD_LETTERS, DecodePrompts.deadLetter(
                    new RawPromptRecord(promptsTopic, -1, -1, prompt.getEventTime().toEpochMilli(),
                            prompt.getRequestId().getBytes(java.nio.charset.StandardCharsets.UTF_8), bytes),
                    r.reason(), r.errorKind()));
        }
    }

    private static byte[] toBytes(PromptEvent prompt) {
        try {
            ByteBuffer b = prompt.toByteBuffer();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (runner != null) {
            runner.close();
        }
    }
}
