package io.quantwatch.job;

import io.quantwatch.connectors.kafka.AvroSingleObjectSerializer;
import io.quantwatch.connectors.kafka.DivergentSampleMapping;
import io.quantwatch.connectors.kafka.DriftAlertMapping;
import io.quantwatch.connectors.kafka.DriftMetricsMapping;
import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.kafka.RawPromptRecordDeserializer;
import io.quantwatch.connectors.kafka.RegistryAvroSerializer;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.DeadLetter;
import io.quantwatch.schemas.DivergentSample;
import io.quantwatch.schemas.DriftAlert;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.ShadowRecord;
import io.quantwatch.security.KafkaSecretProviders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Connects the topology to Kafka: the prompts source (records handed over undecoded) and one
 * sink per output topic, every value in Avro single-object encoding (or the Schema Registry's framing with
 * {@code schema-registry.frame-outputs}), keyed so that one window key's history stays in one partition.
 */
public final class KafkaWiring {
    /** Flink's one-hour default exceeds the broker's 15-minute maximum transaction timeout. */
    private static final String TRANSACTION_TIMEOUT_MS = "600000";

    private KafkaWiring() {}

    /** The prompts stream; {@code stopAtLatest} makes it bounded at the offsets present at start (tests, replays). */
    public static DataStream<RawPromptRecord> prompts(
            StreamExecutionEnvironment env, MonitorConfig c, boolean stopAtLatest) {
        var builder = KafkaSource.<RawPromptRecord>builder()
                .setBootstrapServers(c.kafka().bootstrapServers())
                .setTopics(c.topics().prompts())
                .setGroupId(c.kafka().groupId())
                .setStartingOffsets(
                        switch (c.kafka().startingOffsets()) {
                            case EARLIEST -> OffsetsInitializer.earliest();
                            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
                            case LATEST -> OffsetsInitializer.latest();
                        })
                .setDeserializer(new RawPromptRecordDeserializer(lagSettings(c)))
                .setProperties(clientProperties(c));
        if (stopAtLatest) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        // Event time comes from the decoded prompt, so watermarks are assigned after decoding.
        return env.fromSource(
                        builder.build(),
                        WatermarkStrategy.noWatermarks(),
                        "kafka: " + c.topics().prompts())
                .uid("prompts-source");
    }

    /** Attaches every output to its topic and the meters to Micrometer. */
    public static void publish(MonitorConfig c, MonitorTopology.Outputs out) {
        out.deadLetters()
                .sinkTo(sink(
                        c,
                        c.topics().deadLetters(),
                        DeadLetter.class,
                        d -> d.getKey() == null ? null : bytes(d.getKey())))
                .name("kafka: " + c.topics().deadLetters())
                .uid("dead-letters-sink");
        if (c.topics().shadowRecords() != null && !c.topics().shadowRecords().isBlank()) {
            publishAs(
                    c,
                    out.shadowRecords(),
                    // Both model outputs leave the monitor here too: redacted and cut like drift-samples.
                    new RedactShadowRecord(c.samples().redact(), c.samples().maxChars()),
                    ShadowRecord.class,
                    c.topics().shadowRecords(),
                    r -> windowKey(r.getModel(), r.getCandidate(), r.getTask(), r.getTenant()),
                    "shadow-records");
        }
        publishAs(
                c,
                out.metrics(),
                DriftMetricsMapping::toAvro,
                DriftMetrics.class,
                c.topics().metrics(),
                m -> windowKey(m.getModel(), m.getCandidate(), m.getTask(), m.getTenant()),
                "metrics");
        publishAs(
                c,
                out.alerts(),
                DriftAlertMapping::toAvro,
                DriftAlert.class,
                c.topics().alerts(),
                a -> windowKey(a.getModel(), a.getCandidate(), a.getTask(), a.getTenant()),
                "alerts");
        publishAs(
                c,
                out.samples(),
                DivergentSampleMapping::toAvro,
                DivergentSample.class,
                c.topics().samples(),
                s -> windowKey(s.getModel(), s.getCandidate(), s.getTask(), s.getTenant()),
                "samples");
        out.late()
                .process(CountLate.records(
                        c.metrics().settings(), List.copyOf(c.candidateRecipes().keySet())))
                .name("count late records")
                .uid("late")
                .sinkTo(new DiscardingSink<>())
                .name("late done")
                .uid("late-sink");
        out.lateWindows()
                .process(CountLate.windows(
                        c.metrics().settings(), List.copyOf(c.candidateRecipes().keySet())))
                .name("count late windows")
                .uid("late-windows")
                .sinkTo(new DiscardingSink<>())
                .name("late windows done")
                .uid("late-windows-sink");
        out.metrics()
                .connect(out.alerts())
                .process(new PublishMeters(
                        c.metrics().settings(),
                        c.keyIdleAfter(),
                        c.metrics().maxTenants(),
                        c.metrics().maxTasks()))
                .name("micrometer")
                .uid("meters")
                .sinkTo(new DiscardingSink<>())
                .name("meters done")
                .uid("meters-sink");
    }

    /** A domain output mapped to its topic's Avro type right before its Kafka sink; {@code uid} names both operators. */
    private static <D, A extends SpecificRecord> void publishAs(
            MonitorConfig c,
            DataStream<D> stream,
            MapFunction<D, A> toAvro,
            Class<A> type,
            String topic,
            SerializationSchema<A> key,
            String uid) {
        stream.map(toAvro, TypeInformation.of(type))
                .name(uid + " as Avro")
                .uid(uid + "-avro")
                .sinkTo(sink(c, topic, type, key))
                .name("kafka: " + topic)
                .uid(uid + "-sink");
    }

    private static <T extends SpecificRecord> KafkaSink<T> sink(
            MonitorConfig c, String topic, Class<T> type, SerializationSchema<T> key) {
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(c.kafka().bootstrapServers())
                .setKafkaProducerConfig(clientProperties(c))
                .setRecordSerializer(KafkaRecordSerializationSchema.<T>builder()
                        .setTopic(topic)
                        .setKeySerializationSchema(key)
                        .setValueSerializationSchema(
                                c.schemaRegistry().frameOutputs()
                                        ? new RegistryAvroSerializer<>(
                                                type,
                                                c.schemaRegistry().settings(),
                                                RegistryAvroSerializer.valueSubject(topic),
                                                c.schemaRegistry().autoRegister())
                                        : new AvroSingleObjectSerializer<>(type))
                        .build());
        switch (c.kafka().delivery()) {
            case EXACTLY_ONCE -> {
                builder.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix(c.kafka().transactionalIdPrefix() + "-" + topic)
                        .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
            }
            case NONE -> builder.setDeliveryGuarantee(DeliveryGuarantee.NONE);
            case AT_LEAST_ONCE -> builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        }
        return builder.build();
    }

    /** The consumer group's lag, polled every 15 s from the source's task managers (quantwatch_kafka_lag). */
    private static RawPromptRecordDeserializer.LagSettings lagSettings(MonitorConfig c) {
        java.util.Map<String, String> kafka = new java.util.HashMap<>();
        clientProperties(c).forEach((k, v) -> kafka.put(String.valueOf(k), String.valueOf(v)));
        kafka.put("bootstrap.servers", c.kafka().bootstrapServers());
        return new RawPromptRecordDeserializer.LagSettings(
                c.metrics().settings(),
                kafka,
                c.kafka().groupId(),
                c.topics().prompts(),
                java.time.Duration.ofSeconds(15));
    }

    /**
     * The team's client properties as written: {@code ${env:…}}/{@code ${file:…}} references stay text here and are
     * resolved by each Kafka client where it is created (on the TaskManagers), so no secret enters the job graph.
     */
    private static Properties clientProperties(MonitorConfig c) {
        Properties p = new Properties();
        if (c.kafka().properties() != null) {
            p.putAll(KafkaSecretProviders.withProviders(c.kafka().properties()));
        }
        return p;
    }

    /** The Kafka key of every output about one window key: {@code model/candidate/task/tenant}. */
    private static byte[] windowKey(String model, String candidate, String task, String tenant) {
        return (model + "/" + candidate + "/" + task + "/" + tenant).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
