package io.quantwatch.connectors.kafka;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Hands every prompts-topic record to the job undecoded, with its coordinates, so decoding errors
 * become dead letters in the topology instead of failing the source.
 */
public final class RawPromptRecordDeserializer implements KafkaRecordDeserializationSchema<RawPromptRecord> {
    private static final long serialVersionUID = 1L;

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
