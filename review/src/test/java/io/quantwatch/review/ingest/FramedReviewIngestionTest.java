package io.quantwatch.review.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.embedded.ApicurioRegistry;
import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.registry.FramedAvro;
import io.quantwatch.registry.SchemaRegistryClient;
import io.quantwatch.registry.SchemaRegistrySettings;
import io.quantwatch.review.store.ReviewStore;
import io.quantwatch.review.store.SampleFilter;
import io.quantwatch.schemas.DivergentSample;
import io.quantwatch.schemas.DriftAlert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The review page over topics the monitor publishes in the Schema Registry's framing, with a real registry (Apicurio
 * Registry 3.3.3): every record lands, and while the registry is down nothing is skipped — the records are read once
 * it is back.
 */
class FramedReviewIngestionTest {
    private static final ReviewIngestion.Topics TOPICS =
            new ReviewIngestion.Topics("framed-samples", "framed-metrics", "framed-alerts");

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static ApicurioRegistry registry;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(TOPICS.samples(), TOPICS.metrics(), TOPICS.alerts());
        registry = ApicurioRegistry.start(Path.of("target/apicurio-registry"), dir.resolve("apicurio"), null);
        SchemaRegistryClient client = SchemaRegistryClient.connect(SchemaRegistrySettings.at(registry.url()));
        int sampleId = client.register(TOPICS.samples() + "-value", DivergentSample.getClassSchema());
        int alertId = client.register(TOPICS.alerts() + "-value", DriftAlert.getClassSchema());
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(
                        TOPICS.samples(), FramedAvro.write(sampleId, ReviewIngestionTest.sample(i))));
            }
            producer.send(
                    new ProducerRecord<>(TOPICS.alerts(), FramedAvro.write(alertId, ReviewIngestionTest.alert())));
        }
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static ReviewIngestion ingest(ReviewStore store, String group) {
        return new ReviewIngestion(
                        Map.of("bootstrap.servers", kafka.bootstrapServers()),
                        group,
                        true,
                        TOPICS,
                        store,
                        new SchemaRegistrySettings(
                                List.of(registry.url()),
                                "",
                                "",
                                "",
                                "",
                                "",
                                "",
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(1)))
                .start();
    }

    @Test
    void framedRecordsAreReadWithTheirWriterSchemas() throws Exception {
        try (ReviewStore store = ReviewStore.open(ReviewStore.sqliteUrl(dir.resolve("a")));
                ReviewIngestion i = ingest(store, "framed-a")) {
            await(i, () -> i.progress().stored() == 4);
            assertThat(i.progress().malformed()).isZero();
            assertThat(store.queue(SampleFilter.ALL, 10)).hasSize(3);
        }
    }

    @Test
    void whileTheRegistryIsDownNothingIsSkippedAndEverythingLandsWhenItIsBack() throws Exception {
        try (ReviewStore store = ReviewStore.open(ReviewStore.sqliteUrl(dir.resolve("b")))) {
            registry.stop();
            ReviewIngestion i = ingest(store, "framed-b");
            try {
                await(i, () -> i.progress().lastProblem().contains("has not answered"));
                assertThat(i.progress().stored()).isZero();
                assertThat(i.progress().malformed()).isZero();
                registry.start();
                await(i, () -> i.progress().stored() == 4);
                assertThat(i.progress().malformed()).isZero();
            } finally {
                i.close();
                registry.start();
            }
        }
    }

    private static void await(ReviewIngestion i, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(done.getAsBoolean())
                .as("within 90 s; progress %s", i.progress())
                .isTrue();
    }
}
