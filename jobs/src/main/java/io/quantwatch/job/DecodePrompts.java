package io.quantwatch.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quantwatch.connectors.kafka.DecodedPrompt;
import io.quantwatch.connectors.kafka.PromptRecordDecoder;
import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.schemas.DeadLetter;
import io.quantwatch.schemas.PromptEvent;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates each prompts-topic record: valid prompts go on, anything else goes to the
 * dead-letter side output whole (original key and bytes, topic, partition, offset) with the reason.
 */
public final class DecodePrompts extends ProcessFunction<RawPromptRecord, PromptEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {
    };

    private final MetricsSettings metrics;
    private transient PromptRecordDecoder decoder;
    private transient Counter valid;
    private transient Counter invalid;

    public DecodePrompts(MetricsSettings metrics) {
        this.metrics = metrics;
    }

    @Override
    public void open(OpenContext context) {
        decoder = new PromptRecordDecoder();
        MeterRegistry registry = JvmMeterRegistry.get(metrics).registry();
        valid = Counter.builder("quantwatch.prompts").tag("outcome", "valid").description("prompts-topic records read").register(registry);
        invalid = Counter.builder("quantwatch.prompts").tag("outcome", "dead_letter").description("prompts-topic records read").register(registry);
    }

    @Override
    public void processElement(RawPromptRecord raw, Context ctx, Collector<PromptEvent> out) {
        DecodedPrompt decoded = decoder.decode(raw.value());
        if (decoded instanceof DecodedPrompt.Valid v) {
            valid.increment();
            out.collect(v.event());
        } else if (decoded instanceof DecodedPrompt.Invalid bad) {
            invalid.increment();
            ctx.output(DEAD_LETTERS, deadLetter(raw, bad.reason(), bad.errorKind()));
        }
    }

    /** A dead letter keeping the record's coordinates and original bytes. */
    static DeadLetter deadLetter(RawPromptRecord raw, String reason, String errorKind) {
        return DeadLetter.newBuilder()
                .setSourceTopic(raw.topic())
                .setPartition(raw.partition())
                .setOffset(raw.offset())
                .setTimestamp(Instant.ofEpochMilli(raw.timestamp()))
                .setKey(raw.key() == null ? null : ByteBuffer.wrap(raw.key()))
                .setValue(raw.value() == null ? null : ByteBuffer.wrap(raw.value()))
                .setReason(reason)
                .setErrorClass(errorKind)
                .build();
    }
}
