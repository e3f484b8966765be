package io.quantwatch.review.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.review.ingest.ReviewIngestion;
import io.quantwatch.schemas.DivergentSample;
import io.quantwatch.schemas.JsonFailure;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The review database (a real PostgreSQL) goes away under ingestion and comes back: ingestion says so, keeps its
 * offsets, reconnects, and stores every sample once — it does not end for good.
 */
class PostgresIngestionReconnectTest {
    private static final ReviewIngestion.Topics TOPICS =
            new ReviewIngestion.Topics("pg-samples", "pg-metrics", "pg-alerts");

    @Test
    void aDatabaseRestartUnderIngestionLosesNothing() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                PostgresServer pg = PostgresServer.start();
                ReviewStore store = ReviewStore.open(pg.url("review"))) {
            kafka.createTopics(TOPICS.samples(), TOPICS.metrics(), TOPICS.alerts());
            try (ReviewIngestion ingestion = new ReviewIngestion(
                            Map.of("bootstrap.servers", kafka.bootstrapServers()), "pg", true, TOPICS, store)
                    .start()) {
                publish(kafka, 0, 5);
                await(ingestion, () -> ingestion.progress().stored() == 5);

                pg.close(); // the database stops
                publish(kafka, 5, 10);
                await(ingestion, () -> ingestion.progress().state().equals("reconnecting to the review database"));
                assertThat(ingestion.progress().lastProblem()).contains("the review database failed");

                pg.restart();
                await(
                        ingestion,
                        () -> ingestion.progress().stored() == 10
                                && ingestion.progress().state().equals("running"));
            }
            assertThat(store.queue(SampleFilter.ALL, 100)).hasSize(10);
        }
    }

    private static void publish(EmbeddedKafka kafka, int from, int to) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                DivergentSample s = DivergentSample.newBuilder()
                        .setRequestId("pg-" + i)
                        .setModel("m")
                        .setCandidate("int4")
                        .setTask("chat")
                        .setTenant("acme")
                        .setWindowEnd(Instant.parse("2026-11-28T10:05:00Z"))
                        .setBadness(i)
                        .setFirstDivergentToken(i)
                        .setMeanKl(0.01)
                        .setCandidateJson(JsonFailure.NONE)
                        .setRedacted(true)
                        .setReferenceText("a")
                        .setCandidateText("b")
                        .build();
                producer.send(new ProducerRecord<>(TOPICS.samples(), bytes(s)));
            }
        }
    }

    private static byte[] bytes(DivergentSample s) {
        try {
            ByteBuffer b = s.toByteBuffer();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
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
