package io.quantwatch.review.ingest;

import io.quantwatch.registry.ConfluentFraming;
import io.quantwatch.registry.FramedAvro;
import io.quantwatch.registry.SchemaRegistryClient;
import io.quantwatch.registry.SchemaRegistryException;
import io.quantwatch.registry.SchemaRegistrySettings;
import io.quantwatch.review.store.ReviewStore;
import io.quantwatch.review.store.StoreException;
import io.quantwatch.schemas.AvroLimits;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the monitor's drift-samples, drift-metrics and drift-alerts topics (Avro single-object encoding, or the Schema
 * Registry's framing with the writer schema fetched by id) into the review store on a background thread. While the
 * registry cannot be reached, records whose schema is not cached are read again later, not skipped. Offsets are committed after the records are stored, and storing is idempotent,
 * so a restart, a replay from the earliest offset or a second page on the same topics adds nothing twice. A record
 * that does not decode is skipped, logged with its coordinates and counted; one written with a schema this page does
 * not know (a newer release) is not skipped: its partition waits, and the state says why. A failing store is
 * reconnected and the records read again; nothing is committed before it is stored.
 */
public final class ReviewIngestion implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReviewIngestion.class);

    /** The three topics the monitor publishes to. */
    public record Topics(String samples, String metrics, String alerts) {
        public List<String> all() {
            return List.of(samples, metrics, alerts);
        }
    }

    /** What ingestion has done so far, and what it is doing now ({@code state}). */
    public record Progress(long stored, long duplicates, long malformed, String lastProblem, String state) {
        /** Running, with no problem now. */
        public Progress(long stored, long duplicates, long malformed, String lastProblem) {
            this(stored, duplicates, malformed, lastProblem, "running");
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final ReviewStore store;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicReference<String> lastProblem = new AtomicReference<>("");
    private final AtomicReference<String> state = new AtomicReference<>("starting");
    private final SchemaRegistryClient registry;

    /**
     * @param kafka    consumer properties: bootstrap servers and security settings
     * @param group    the consumer group whose committed offsets say where to resume
     * @param earliest where a group without offsets starts: the beginning of the topics, or only what comes next
     */
    public ReviewIngestion(
            Map<String, String> kafka, String group, boolean earliest, Topics topics, ReviewStore store) {
        this(kafka, group, earliest, topics, store, SchemaRegistrySettings.none());
    }

    /** As above, reading framed records with writer schemas from {@code registry}. */
    public ReviewIngestion(
            Map<String, String> kafka,
            String group,
            boolean earliest,
            Topics topics,
            ReviewStore store,
            SchemaRegistrySettings registry) {
        AvroLimits.install(); // the job's allocation limits: a hostile record cannot make this page allocate gigabytes
        this.registry = registry.configured() ? SchemaRegistryClient.connect(registry) : null;
        Properties p = new Properties();
        // ${env:…}/${file:…} references are resolved by the consumer itself.
        p.putAll(KafkaSecretProviders.withProviders(kafka));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, earliest ? "earliest" : "latest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // The job writes exactly-once by default: records of aborted transactions must never become samples.
        p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
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
        return new Progress(stored.get(), duplicates.get(), malformed.get(), lastProblem.get(), state.get());
    }

    private void run() {
        try {
            consumer.subscribe(topics.all());
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(500));
                Map<TopicPartition, Long> readAgain = new java.util.HashMap<>();
                String waiting = null;
                String why = null;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (readAgain.containsKey(tp)) {
                        continue; // behind a record that waits: kept in order
                    }
                    try {
                        ingest(r);
                    } catch (ReadAgain e) {
                        readAgain.put(tp, r.offset());
                        why = e.getMessage();
                        waiting = e.state;
                    } catch (StoreException e) {
                        // Not the record's fault: every partition of this batch is read again once the store is back.
                        for (ConsumerRecord<byte[], byte[]> rest : records) {
                            readAgain.merge(
                                    new TopicPartition(rest.topic(), rest.partition()), rest.offset(), Math::min);
                        }
                        why = "the review database failed: " + e.getMessage();
                        waiting = "reconnecting to the review database";
                        break;
                    }
                }
                readAgain.forEach(consumer::seek);
                if (!records.isEmpty()) {
                    consumer.commitSync(); // up to the first record to read again in each partition
                }
                if (waiting != null) {
                    // What holds records back matters more than a record skipped in the same batch.
                    lastProblem.set(why);
                    state.set(waiting);
                    LOG.warn("quantwatch review: {}; reading those records again in 5 s", lastProblem.get());
                    Thread.sleep(5_000); // a backoff before asking again, not a wait for readiness
                    if (waiting.startsWith("reconnecting")) {
                        try {
                            store.reconnect();
                        } catch (StoreException e) {
                            lastProblem.set(e.getMessage()); // still away: the next batch fails and waits again
                        }
                    }
                } else {
                    state.set("running");
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the poll
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            lastProblem.set("ingestion stopped: " + e);
            state.set("stopped");
            LOG.error("quantwatch review: ingestion stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void ingest(ConsumerRecord<byte[], byte[]> r) {
        Object record;
        try {
            byte[] value = r.value() == null ? new byte[0] : r.value();
            if (r.topic().equals(topics.samples())) {
                record = PublishedRecords.sample(decode(value, DivergentSample.class, DivergentSample::fromByteBuffer));
            } else if (r.topic().equals(topics.metrics())) {
                record = PublishedRecords.window(decode(value, DriftMetrics.class, DriftMetrics::fromByteBuffer));
            } else {
                record = PublishedRecords.alert(decode(value, DriftAlert.class, DriftAlert::fromByteBuffer));
            }
        } catch (ReadAgain e) {
            throw e;
        } catch (org.apache.avro.message.MissingSchemaException e) {
            // A schema from a newer release: skipping would lose it for good, so this partition waits for an upgrade.
            throw new ReadAgain(
                    r.topic() + "/" + r.partition() + "@" + r.offset() + " was written with a schema this page does not"
                            + " know (" + e.getMessage() + "): upgrade quantwatch review; the partition waits for it",
                    "waiting: a record with an unknown schema");
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

    /** A single-object decoder ({@code DivergentSample::fromByteBuffer}, …). */
    @FunctionalInterface
    private interface SingleObject<T> {
        T decode(ByteBuffer value) throws java.io.IOException;
    }

    /** A record in either encoding the monitor publishes: the registry's framing, or single-object. */
    private <T extends org.apache.avro.specific.SpecificRecord> T decode(
            byte[] value, Class<T> type, SingleObject<T> singleObject) throws java.io.IOException {
        return ConfluentFraming.isFramed(value) ? framed(value, type) : singleObject.decode(ByteBuffer.wrap(value));
    }

    /** A framed record read with its writer schema from the registry; an unreachable registry means {@link ReadAgain}. */
    private <T extends org.apache.avro.specific.SpecificRecord> T framed(byte[] value, Class<T> type)
            throws java.io.IOException {
        if (registry == null) {
            throw new IllegalArgumentException("Schema Registry framing (schema id " + ConfluentFraming.schemaId(value)
                    + ") but no registry is configured: start the page with --schema-registry-url");
        }
        try {
            return FramedAvro.readSpecific(value, registry.schemaById(ConfluentFraming.schemaId(value)), type);
        } catch (SchemaRegistryException e) {
            if (e.kind() == SchemaRegistryException.Kind.UNAVAILABLE) {
                throw new ReadAgain(e.getMessage(), "waiting for the Schema Registry");
            }
            throw e;
        }
    }

    /** A record that cannot be read now (registry down, unknown schema): read again later, never skipped. */
    private static final class ReadAgain extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String state;

        ReadAgain(String message, String state) {
            super(message, null, false, false);
            this.state = state;
        }
    }
}
