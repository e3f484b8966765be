package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.detectors.window.KeyLabelBudget;
import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.embedded.TopicReader;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ShadowRecord;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 10 000 prompts from 10 000 tenant names nobody has seen before, as fast as the broker takes them, through the whole
 * job: the shadow stage gets no more than the cap over all tenants, Prometheus exports at most the configured number of
 * tenant label values (the rest as {@code ~other}), windows exist for a bounded number of keys, and the roll-up still
 * counts every shadowed prompt.
 */
class ManyTenantsIntegrationTest {
    private static final int PROMPTS = 10_000;
    private static final int MAX_TENANTS = 5;
    private static final double CAP_PER_SECOND = 20;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static EmbeddedKafka kafka;
    private static MonitorConfig config;
    private static double elapsedSeconds;

    @BeforeAll
    static void runJobOverTenThousandTenants() throws Exception {
        kafka = EmbeddedKafka.start();
        Path root = Path.of(System.getProperty("quantwatch.root", ".")).toAbsolutePath();
        config = ConfigLoader.load(
                null,
                List.of(
                        "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "kafka.starting-offsets=earliest",
                        "reference.model=" + root.resolve("models/quantwatch-demo-f16.gguf"),
                        "sampling.rate=1",
                        "sampling.per-tenant-per-second=1000",
                        "sampling.burst=1000",
                        "sampling.max-per-second=" + CAP_PER_SECOND,
                        "shadow.capacity-per-second=1000",
                        "candidates=[{name: identical, backend: engine, recipe: reference}]",
                        "engine.max-tokens=2",
                        "windows.size=10min",
                        "windows.slide=10min",
                        "alerts.use-defaults=false",
                        "metrics.prometheus.port=0",
                        "metrics.max-tenants=" + MAX_TENANTS,
                        "metrics.max-tasks=2",
                        "checkpoint-interval=1s"));
        kafka.createTopics(config.topics().names());
        Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.HOURS);
        Random random = new Random(42);
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < PROMPTS; i++) {
                PromptEvent e = PromptEvent.newBuilder()
                        .setRequestId("r-" + i)
                        .setTenant("t-" + Long.toHexString(random.nextLong()))
                        .setModel("quantwatch-demo")
                        .setTask("task-" + (i % 7))
                        .setPrompt("The capital of France is")
                        .setEventTime(base.plusMillis(i))
                        .setMaxTokens(2)
                        .build();
                producer.send(new ProducerRecord<>(config.topics().prompts(), bytes(e.toByteBuffer())));
            }
        }
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        long start = System.nanoTime();
        MonitorJob.execute(env, config, true);
        elapsedSeconds = (System.nanoTime() - start) / 1e9;
    }

    @AfterAll
    static void stop() {
        JvmMeterRegistry.shutdown();
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theShadowStageGetsNoMoreThanTheCapOverAllTenants() {
        List<ShadowRecord> shadowed = read(config.topics().shadowRecords(), ShadowRecord.class);
        // Each new name would have had its own full bucket of 1000: without the cap all 10 000 would be shadowed.
        assertThat(shadowed)
                .isNotEmpty()
                .hasSizeLessThanOrEqualTo((int) (CAP_PER_SECOND * elapsedSeconds) + 2 * (int) CAP_PER_SECOND);
    }

    @Test
    void prometheusAndTheWindowsCarryABoundedNumberOfTenantsAndTheRollUpCountsEveryPrompt() {
        List<DriftMetrics> windows = read(config.topics().metrics(), DriftMetrics.class);
        List<DriftMetrics> perKey =
                windows.stream().filter(w -> !w.getTenant().equals("*")).toList();
        Set<String> tenants = perKey.stream().map(DriftMetrics::getTenant).collect(Collectors.toSet());
        Set<String> tasks = perKey.stream().map(DriftMetrics::getTask).collect(Collectors.toSet());
        // The busiest keep their names, the rest are ~other; one busier newcomer per window may take a place.
        assertThat(tenants).hasSizeLessThanOrEqualTo(MAX_TENANTS + 2).contains(KeyLabelBudget.OTHER);
        assertThat(tasks).hasSizeLessThanOrEqualTo(2 + 2);
        assertThat(perKey).hasSizeLessThanOrEqualTo((MAX_TENANTS + 2) * (2 + 2));

        DriftMetrics rollup = windows.stream()
                .filter(w -> w.getTenant().equals("*"))
                .findFirst()
                .orElseThrow();
        long shadowed =
                read(config.topics().shadowRecords(), ShadowRecord.class).size();
        assertThat(rollup.getPrompts())
                .isEqualTo(perKey.stream().mapToLong(DriftMetrics::getPrompts).sum())
                .isEqualTo(shadowed);

        Set<String> exported = JvmMeterRegistry.get(config.metrics().settings()).registry().getMeters().stream()
                .map(Meter::getId)
                .filter(id -> id.getName().equals("quantwatch.window.prompts"))
                .map(id -> id.getTag("tenant"))
                .collect(Collectors.toSet());
        // Prometheus holds at most max-tenants + ~other + the roll-up's * (the least recently reported go first).
        assertThat(exported).hasSizeLessThanOrEqualTo(MAX_TENANTS + 2).contains("*", KeyLabelBudget.OTHER);
        System.out.printf(
                "many tenants: prompts=%d tenants=%d shadowed=%d elapsed_s=%.1f cap_per_s=%.0f window_keys=%d"
                        + " window_tenants=%d exported_tenant_labels=%d%n",
                PROMPTS,
                PROMPTS,
                shadowed,
                elapsedSeconds,
                CAP_PER_SECOND,
                perKey.size(),
                tenants.size(),
                exported.size());
    }

    private static <T extends SpecificRecord> List<T> read(String topic, Class<T> type) {
        try (TopicReader<T> r = new TopicReader<>(kafka.bootstrapServers(), topic, type)) {
            return r.readAll();
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
