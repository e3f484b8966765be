package io.quantwatch.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quantwatch.connectors.chat.ChatTemplateLoader;
import io.quantwatch.connectors.kafka.DecodedPrompt;
import io.quantwatch.connectors.kafka.PromptRecordDecoder;
import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.kafka.RecordMapping;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.registry.SchemaRegistryClient;
import io.quantwatch.registry.SchemaRegistrySettings;
import io.quantwatch.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates each prompts-topic record: valid prompts go on, anything else goes to the
 * dead-letter side output whole (original key and bytes, topic, partition, offset) with the reason.
 */
public final class DecodePrompts extends ProcessFunction<RawPromptRecord, SourcedPrompt> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final MetricsSettings metrics;
    private final ChatTemplateLoader.Settings chat;
    private final RecordMapping.Settings input;
    private final SchemaRegistrySettings registry;
    private final long maxSkewMillis;
    private final long maxAgeMillis;
    private transient PromptRecordDecoder decoder;
    private transient Counter valid;
    private transient Counter invalid;

    /** Accepting any event time (operator tests); the job passes its configured range. */
    public DecodePrompts(MetricsSettings metrics) {
        this(
                metrics,
                null,
                null,
                SchemaRegistrySettings.none(),
                Duration.ofMillis(Long.MAX_VALUE / 2),
                Duration.ofMillis(Long.MAX_VALUE / 2));
    }

    /**
     * @param maxSkew how far ahead of this task's clock an event time may be (a skewed client must not drag the
     *                watermark, nor produce records a broker refuses)
     * @param maxAge  how far behind it
     * @param chat    where the chat template comes from (null: chat requests are dead letters)
     * @param input   the team's record shape (null: the monitor's own)
     * @param registry where writer schemas of framed records come from
     */
    public DecodePrompts(
            MetricsSettings metrics,
            ChatTemplateLoader.Settings chat,
            RecordMapping.Settings input,
            SchemaRegistrySettings registry,
            Duration maxSkew,
            Duration maxAge) {
        this.metrics = metrics;
        this.chat = chat;
        this.input = input;
        this.registry = registry;
        this.maxSkewMillis = maxSkew.toMillis();
        this.maxAgeMillis = maxAge.toMillis();
    }

    @Override
    public void open(OpenContext context) {
        io.quantwatch.connectors.JvmResources.releaseWithJob(getRuntimeContext());
        // The template is read here, on the TaskManager, from the file or model every TaskManager has.
        decoder = new PromptRecordDecoder(
                chat == null ? ChatTemplateLoader.Result.NOT_CONFIGURED : ChatTemplateLoader.load(chat),
                RecordMapping.load(input),
                // One client per subtask: its cache keeps known schemas readable through a registry outage.
                registry.configured() ? SchemaRegistryClient.connect(registry) : null);
        MeterRegistry registry = JvmMeterRegistry.get(metrics).registry();
        valid = Counter.builder("quantwatch.prompts")
                .tag("outcome", "valid")
                .description("prompts-topic records read")
                .register(registry);
        invalid = Counter.builder("quantwatch.prompts")
                .tag("outcome", "dead_letter")
                .description("prompts-topic records read")
                .register(registry);
    }

    @Override
    public void processElement(RawPromptRecord raw, Context ctx, Collector<SourcedPrompt> out) {
        DecodedPrompt decoded = decoder.decode(raw.value());
        if (decoded instanceof DecodedPrompt.Valid v) {
            long now = ctx.timerService().currentProcessingTime();
            long eventTime = v.event().getEventTime().toEpochMilli();
            if (eventTime - now > maxSkewMillis || now - eventTime > maxAgeMillis) {
                invalid.increment();
                ctx.output(
                        DEAD_LETTERS,
                        deadLetter(
                                raw,
                                "field 'event_time' " + v.event().getEventTime() + " is "
                                        + (eventTime > now
                                                ? Duration.ofMillis(eventTime - now) + " ahead of"
                                                : Duration.ofMillis(now - eventTime) + " behind")
                                        + " this monitor's clock; accepted: " + Duration.ofMillis(maxSkewMillis)
                                        + " ahead to " + Duration.ofMillis(maxAgeMillis)
                                        + " behind (windows.max-skew, windows.max-age): fix the producer's clock or stamp arrival time",
                                "EVENT_TIME_OUT_OF_RANGE"));
                return;
            }
            valid.increment();
            out.collect(new SourcedPrompt(v.event(), raw));
        } else if (decoded instanceof DecodedPrompt.Invalid bad) {
            invalid.increment();
            ctx.output(DEAD_LETTERS, deadLetter(raw, bad.reason(), bad.errorKind()));
        }
    }

    /** Value bytes kept in a dead letter: with key and reason it stays under a default producer's 1 MiB request limit. */
    static final int MAX_VALUE_BYTES = 512 * 1024;

    static final int MAX_KEY_BYTES = 16 * 1024;
    static final int MAX_REASON_CHARS = 4 * 1024;

    /**
     * A dead letter keeping the record's coordinates and original bytes; bytes beyond what the dead-letter topic
     * takes are cut (flagged, with the original length and SHA-256), so a 10 MB poison record cannot make the
     * dead-letter sink fail the job.
     */
    static DeadLetter deadLetter(RawPromptRecord raw, String reason, String errorKind) {
        byte[] key = raw.key();
        byte[] value = raw.value();
        boolean truncated =
                (key != null && key.length > MAX_KEY_BYTES) || (value != null && value.length > MAX_VALUE_BYTES);
        return DeadLetter.newBuilder()
                .setSourceTopic(raw.topic())
                .setPartition(raw.partition())
                .setOffset(raw.offset())
                .setTimestamp(Instant.ofEpochMilli(raw.timestamp()))
                .setKey(
                        key == null
                                ? null
                                : ByteBuffer.wrap(key.length > MAX_KEY_BYTES ? Arrays.copyOf(key, MAX_KEY_BYTES) : key))
                .setValue(
                        value == null
                                ? null
                                : ByteBuffer.wrap(
                                        value.length > MAX_VALUE_BYTES ? Arrays.copyOf(value, MAX_VALUE_BYTES) : value))
                .setReason(reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) + "…" : reason)
                .setErrorClass(errorKind)
                .setTruncated(truncated)
                .setValueLength(value == null ? null : (long) value.length)
                .setValueSha256(value == null ? null : sha256(value))
                .build();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime ships SHA-256", e);
        }
    }
}
