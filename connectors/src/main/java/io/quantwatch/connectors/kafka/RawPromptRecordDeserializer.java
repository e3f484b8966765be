package io.quantwatch.connectors.kafka;

import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.metrics.MetricsSettings;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Hands every prompts-topic record to the job undecoded, with its coordinates, so decoding errors
 * become dead letters in the topology instead of failing the source. With {@link LagSettings}, the source's
 * task managers also publish the consumer group's lag ({@link ConsumerGroupLag}).
 */
public final class RawPromptRecordDeserializer implements KafkaRecordDeserializationSchema<RawPromptRecord> {
    private static final long serialVersionUID = 1L;

    /** Where the lag poller reads: the job's Kafka client properties, its consumer group and the prompts topic. */
    public record LagSettings(
            MetricsSettings metrics, Map<String, String> kafka, String groupId, String topic, Duration every)
            implements Serializable {}

    private final LagSettings lag;

    /** Records only, no lag gauge (tests). */
    public RawPromptRecordDeserializer() {
        this(null);
    }

    public RawPromptRecordDeserializer(LagSettings lag) {
        this.lag = lag;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        io.quantwatch.connectors.JvmResources.releaseWithJob(context.getUserCodeClassLoader());
        if (lag != null) {
            Properties p = new Properties();
            p.putAll(lag.kafka());
            ConsumerGroupLag.startOnce(
                    JvmMeterRegistry.get(lag.metrics()).registry(), p, lag.groupId(), lag.topic(), lag.every());
        }
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawPromptRecord> out) {
        out.collect(new RawPromptRecord(
                record.topic(), record.partition(), record.offset(), record.timestamp(), record.key(), record.value()));
    }

    @Override
    public TypeInformation<RawPromptRecord> getProducedType() {
        return TypeInformation.of(RawPromptRecord.class);
    }
}
