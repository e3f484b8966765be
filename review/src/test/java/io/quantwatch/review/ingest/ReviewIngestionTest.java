package io.quantwatch.review.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.review.store.ReviewStore;
import io.quantwatch.review.store.SampleFilter;
import io.quantwatch.schemas.AlertState;
import io.quantwatch.schemas.DivergentSample;
import io.quantwatch.schemas.DriftAlert;
import io.quantwatch.schemas.JsonFailure;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * Ingestion from a real (in-process) broker: every published record lands once; a replay of the topics, a second
 * consumer group from the earliest offset, and a restart add nothing; a record that does not decode is skipped and
 * counted while the rest go on, and one written with an unknown schema holds its partition instead of being lost.
 */
class ReviewIngestionTest {
    static final ReviewIngestion.Topics TOPICS =
            new ReviewIngestion.Topics("drift-samples", "drift-metrics", "drift-alerts");
    static final Instant W = Instant.parse("2026-11-28T10:05:00Z");

    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.start();
        kafka.createTopics(TOPICS.samples(), TOPICS.metrics(), TOPICS.alerts());
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    static DivergentSample sample(int i) {
        return DivergentSample.newBuilder()
                .setRequestId("req-" + i)
                .setModel("m")
                .setCandidate(i % 2 == 0 ? "int4" : "nf4")
                .setTask("tool_call")
                .setTenant("acme")
                .setWindowEnd(W)
                .setBadness(i)
                .setFirstDivergentToken(i)
                .setMeanKl(0.01 * i)
                .setCandidateJson(JsonFailure.TRAILING_COMMA)
                .setRedacted(true)
                .setReferenceText("{\"tool\":\"a\"}")
                .setCandidateText("{\"tool\":\"a\",}")
                .build();
    }

    static DriftAlert alert() {
        return DriftAlert.newBuilder()
                .setRule("json-broken")
                .setMetric("json-broken-rate")
                .setState(AlertState.FIRING)
                .setModel("m")
                .setCandidate("int4")
                .setTask("*")
                .setTenant("*")
                .setWindowEnd(W)
                .setValue(0.2)
                .setLower(0.1)
                .setUpper(0.3)
                .setThreshold(0.02)
                .setSamples(60)
                .build();
    }

    static void publish(int samples, boolean garbage) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < samples; i++) {
                producer.send(
                        new ProducerRecord<>(TOPICS.samples(), bytes(sample(i).toByteBuffer())));
            }
            producer.send(new ProducerRecord<>(TOPICS.alerts(), bytes(alert().toByteBuffer())));
            if (garbage) {
                producer.send(new ProducerRecord<>(TOPICS.samples(), "not avro".getBytes(StandardCharsets.UTF_8)));
                producer.send(
                        new ProducerRecord<>(TOPICS.metrics(), new byte[] {(byte) 0xC3, 1, 9, 9, 9, 9, 9, 9, 9, 9}));
            }
            producer.flush();
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static ReviewIngestion ingest(ReviewStore store, String group) {
        return new ReviewIngestion(Map.of("bootstrap.servers", kafka.bootstrapServers()), group, true, TOPICS, store)
                .start();
    }

    private static void await(ReviewIngestion i, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(done.getAsBoolean())
                .as("within 60 s; progress %s", i.progress())
                .isTrue();
    }

    @Test
    void everyRecordLandsOnceWhateverIsReplayed() throws Exception {
        publish(10, true);
        try (ReviewStore store = ReviewStore.open(ReviewStore.sqliteUrl(dir))) {
            ReviewIngestion first = ingest(store, "review-a");
            // "not avro" is skipped and counted; a record of an unknown schema (a newer release) is never skipped: its
            // partition waits, and the page says why.
            await(
                    first,
                    () -> first.progress().stored() == 11
                            && first.progress().malformed() == 1
                            && first.progress().state().startsWith("waiting"));
            assertThat(first.progress().state()).isEqualTo("waiting: a record with an unknown schema");
            assertThat(first.progress().lastProblem())
                    .contains("drift-metrics/0@0")
                    .contains("upgrade quantwatch review");
            first.close();
            assertThat(store.queue(SampleFilter.ALL, 100)).hasSize(10);
            assertThat(store.queue(SampleFilter.ALL, 1).get(0).sample().requestId())
                    .isEqualTo("req-9");

            // The producer replays everything (and one new sample); a second page reads from the earliest offset.
            publish(11, false);
            ReviewIngestion second = ingest(store, "review-b");
            await(second, () -> second.progress().stored() + second.progress().duplicates() == 11 + 12);
            second.close();
            assertThat(second.progress().stored()).as("only req-10 is new").isEqualTo(1);
            assertThat(store.queue(SampleFilter.ALL, 100)).hasSize(11);
            assertThat(store.alerts("m", null, W, W)).hasSize(1);

            // The first group resumes from its committed offsets: only what came after it stopped.
            ReviewIngestion resumed = ingest(store, "review-a");
            await(
                    resumed,
                    () -> resumed.progress().stored() + resumed.progress().duplicates() == 12);
            Thread.sleep(2000); // had it started over, more than 12 would come
            resumed.close();
            // It read the 12 records published after it stopped (not all 23), all already stored by the second page.
            assertThat(resumed.progress().duplicates()).isEqualTo(12);
            assertThat(resumed.progress().stored()).isZero();
        }
    }
}
