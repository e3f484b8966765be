package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quantwatch.connectors.kafka.ConsumerGroupLag;
import io.quantwatch.embedded.EmbeddedKafka;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The lag gauge is what Kafka says the group is behind: end offset minus committed offset, per partition. */
class ConsumerGroupLagTest {
    @Test
    void lagIsTheEndOffsetMinusTheCommittedOffsetPerPartition() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, "prompts");
            Properties p = new Properties();
            p.put("bootstrap.servers", kafka.bootstrapServers());
            try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("prompts", i % 2, null, new byte[] {(byte) i}));
                }
            }
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ConsumerGroupLag.startOnce(registry, p, "monitor", "prompts", Duration.ofMillis(200));
            Thread.sleep(1000);
            assertThat(lag(registry, "0")).as("nothing committed yet").isNaN();

            Properties c = new Properties();
            c.putAll(p);
            c.put("group.id", "monitor");
            try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.commitSync(Map.of(
                        new TopicPartition("prompts", 0), new OffsetAndMetadata(2),
                        new TopicPartition("prompts", 1), new OffsetAndMetadata(5)));
            }
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!(lag(registry, "0") == 3.0 && lag(registry, "1") == 0.0) && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertThat(lag(registry, "0")).isEqualTo(3.0);
            assertThat(lag(registry, "1")).isEqualTo(0.0);
            registry.close(); // the poller stops with its registry
        }
    }

    private static double lag(SimpleMeterRegistry registry, String partition) {
        Gauge g = registry.find("quantwatch.kafka.lag")
                .tags("topic", "prompts", "partition", partition)
                .gauge();
        return g == null ? Double.NaN : g.value();
    }
}
