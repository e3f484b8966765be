package io.quantwatch.embedded;

import io.quantwatch.connectors.kafka.AvroSingleObjectDeserializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one of the monitor's output topics with a plain consumer: everything up to now
 * ({@link #readAll}) or, for the live table, what arrived since the last poll ({@link #poll}).
 */
public final class TopicReader<T extends SpecificRecord> implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Class<T> type;

    public TopicReader(String bootstrapServers, String topic, Class<T> type) {
        this(bootstrapServers, topic, type, true);
    }

    /**
     * @param committedOnly {@code read_committed} (what consumers of the monitor see); false also returns records of
     *     aborted and still-open transactions, to count what a failed attempt wrote
     */
    public TopicReader(String bootstrapServers, String topic, Class<T> type, boolean committedOnly) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(p);
        this.type = type;
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** A record with the time its producer (the job's sink) stamped on it: when it was emitted. */
    public record Timed<T>(T value, long emittedMillis) {}

    /** Records that arrived since the last call (waits at most {@code timeout}). */
    public List<T> poll(Duration timeout) {
        return pollTimed(timeout).stream().map(Timed::value).toList();
    }

    /** Records that arrived since the last call, with their emission times. */
    public List<Timed<T>> pollTimed(Duration timeout) {
        List<Timed<T>> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            out.add(new Timed<>(decode(r.value()), r.timestamp()));
        }
        return out;
    }

    /** Raw records up to the current end of the topic (for dead letters and key checks). */
    public List<ConsumerRecord<byte[], byte[]>> readRawToEnd() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + consumer.assignment() + " to its end within 30 s");
            }
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    /** Decoded records up to the current end of the topic. */
    public List<T> readAll() {
        return readRawToEnd().stream().map(r -> decode(r.value())).toList();
    }

    private T decode(byte[] value) {
        try {
            return AvroSingleObjectDeserializer.decode(type, value);
        } catch (IOException e) {
            throw new UncheckedIOException("a record of " + type.getSimpleName() + " did not decode", e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
