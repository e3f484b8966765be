package io.quantwatch.review.ingest;

import io.quantwatch.review.store.ReviewStore;
import io.quantwatch.schemas.DivergentSample;
import io.quantwatch.schemas.DriftAlert;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.security.KafkaSecretProviders;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the monitor's drift-samples, drift-metrics and drift-alerts topics (Avro single-object encoding) into the
 * review store on a background thread. Offsets are committed after the records are stored, and storing is idempotent,
 * so a restart, a replay from the earliest offset or a second page on the same topics adds nothing twice. A record
 * that does not decode (a schema from another release) is skipped, logged with its coordinates and counted.
 */
public final class ReviewIngestion implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReviewIngestion.class);

    /** The three topics the monitor publishes to. */
    public record Topics(String samples, String metrics, String alerts) {
        public List<String> all() {
            return List.of(samples, metrics, alerts);
        }
    }

    /** What ingestion has done so far. */
    public record Progress(long stored, long duplicates, long malformed, String lastProblem) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final ReviewStore store;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicReference<String> lastProblem = new AtomicReference<>("");

    /**
     * @param kafka    consumer properties: bootstrap servers and security settings
     * @param group    the consumer group whose committed offsets say where to resume
     * @param earliest where a group without offsets starts: the beginning of the topics, or only what comes next
     */
    public ReviewIngestion(
            Map<String, String> kafka, String group, boolean earliest, Topics topics, ReviewStore store) {
        Properties p = new Properties();
        // ${env:…}/${file:…} references are resolved by the consumer itself.
        p.putAll(KafkaSecretProviders.withProviders(kafka));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, earliest ? "earliest" : "latest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "quantwatch-review");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        this.store = store;
        this.thread = new Thread(this::run, "quantwatch-review-ingestion");
        thread.setDaemon(true);
    }

    public ReviewIngestion start() {
        thread.start();
        return this;
    }

    public Progress progress() {
        return new Progress(stored.get(), duplicates.get(), malformed.get(), lastProblem.get());
    }

    private void run() {
        try {
            consumer.subscribe(topics.all());
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    ingest(r);
                }
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the poll
        } catch (RuntimeException e) {
            lastProblem.set("ingestion stopped: " + e);
            LOG.error("quantwatch review: ingestion stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void ingest(ConsumerRecord<byte[], byte[]> r) {
        Object record;
        try {
            ByteBuffer value = ByteBuffer.wrap(r.value() == null ? new byte[0] : r.value());
            if (r.topic().equals(topics.samples())) {
                record = PublishedRecords.sample(DivergentSample.fromByteBuffer(value));
            } else if (r.topic().equals(topics.metrics())) {
                record = PublishedRecords.window(DriftMetrics.fromByteBuffer(value));
            } else {
                record = PublishedRecords.alert(DriftAlert.fromByteBuffer(value));
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Garbage can fail an Avro decoder in many ways; none of them may stop the page.
            malformed.incrementAndGet();
            String problem = r.topic() + "/" + r.partition() + "@" + r.offset() + " does not decode: " + e;
            lastProblem.set(problem);
            LOG.warn("quantwatch review: skipped {}", problem);
            return;
        }
        // A store failure is not the record's fault: it propagates, stops ingestion before the commit, loses nothing.
        boolean added;
        if (record instanceof io.quantwatch.review.store.DivergentExample d) {
            added = store.add(d);
        } else if (record instanceof io.quantwatch.review.store.WindowPoint w) {
            added = store.add(w);
        } else {
            added = store.add((io.quantwatch.review.store.AlertChange) record);
        }
        (added ? stored : duplicates).incrementAndGet();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(10_000);
    }
}
