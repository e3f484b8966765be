package io.quantwatch.connectors.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's consumer-group lag on the prompts topic as Kafka sees it — per partition, the log end offset minus
 * the offset the job last committed (Flink commits on every checkpoint) — polled by an admin client and published as
 * {@code quantwatch_kafka_lag{topic, partition}} (NaN until the group has committed). One poller per JVM, like the
 * meter registry it reports into; it stops when that registry is closed.
 */
public final class ConsumerGroupLag {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupLag.class);
    private static final long LOG_EVERY_MILLIS = 60_000;

    private static ConsumerGroupLag instance;

    private final MeterRegistry registry;
    private final Admin admin;
    private final String groupId;
    private final String topic;
    private final Duration timeout;
    private final ScheduledExecutorService poller;
    private final Map<Integer, AtomicReference<Double>> lags = new ConcurrentHashMap<>();
    private long lastWarning;

    private ConsumerGroupLag(MeterRegistry registry, Properties kafka, String groupId, String topic, Duration every) {
        this.registry = registry;
        Properties p = new Properties();
        p.putAll(kafka);
        p.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "quantwatch-lag");
        this.admin = Admin.create(p);
        this.groupId = groupId;
        this.topic = topic;
        this.timeout = every;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "quantwatch-consumer-group-lag");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::pollOrStop, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts this JVM's poller on first call; later calls (every source subtask of the JVM) share it.
     *
     * @param kafka admin client properties: bootstrap servers and the job's security settings
     */
    public static synchronized void startOnce(
            MeterRegistry registry, Properties kafka, String groupId, String topic, Duration every) {
        if (instance == null || instance.registry.isClosed()) {
            instance = new ConsumerGroupLag(registry, kafka, groupId, topic, every);
        }
    }

    /** Stops this JVM's poller now, if one runs (the job's classloader is being released). */
    public static synchronized void stopRunning() {
        if (instance != null) {
            instance.stop();
        }
    }

    private void pollOrStop() {
        if (registry.isClosed()) {
            stop();
            return;
        }
        try {
            poll();
        } catch (Exception e) {
            // The broker may be away for a while: the gauges go NaN (no figure beats a stale one) and the job goes on.
            lags.values().forEach(v -> v.set(Double.NaN));
            long now = System.currentTimeMillis();
            if (now - lastWarning >= LOG_EVERY_MILLIS) {
                lastWarning = now;
                LOG.warn(
                        "quantwatch: cannot read the lag of consumer group {} on {}: {}", groupId, topic, e.toString());
            }
        }
    }

    private void poll() throws Exception {
        long wait = timeout.toMillis();
        TopicDescription d = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(wait, TimeUnit.MILLISECONDS)
                .get(topic);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        d.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get(wait, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata()
                .get(wait, TimeUnit.MILLISECONDS);
        for (var e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            double lag = c == null ? Double.NaN : Math.max(0, e.getValue().offset() - c.offset());
            gauge(e.getKey().partition()).set(lag);
        }
    }

    private AtomicReference<Double> gauge(int partition) {
        return lags.computeIfAbsent(partition, p -> {
            AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
            Gauge.builder("quantwatch.kafka.lag", ref, AtomicReference::get)
                    .description("prompts-topic records not yet committed by the monitor's consumer group")
                    .tag("topic", topic)
                    .tag("partition", String.valueOf(p))
                    .strongReference(true)
                    .register(registry);
            return ref;
        });
    }

    private synchronized void stop() {
        poller.shutdown();
        admin.close(Duration.ofSeconds(1));
        synchronized (ConsumerGroupLag.class) {
            if (instance == this) {
                instance = null;
            }
        }
    }
}
