package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.embedded.DemoTraffic;
import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.embedded.TopicReader;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.llamacpp.LlamaCppQuantizer;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ShadowRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backend: llama.cpp} through the whole job (in-process KRaft broker, Flink MiniCluster): the Q4_K_M file
 * llama.cpp's quantizer makes of the bundled model, and llama.cpp running the bundled F16 file itself (A/A across the
 * two runtimes), shadowed beside the engine's reference.
 */
class LlamaCppCandidateIntegrationTest {
    private static final int PROMPTS = 24;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static MonitorConfig config;

    @BeforeAll
    static void runJob() throws Exception {
        kafka = EmbeddedKafka.start();
        Path demo = Path.of(System.getProperty("quantwatch.root", ".")).resolve("models/quantwatch-demo-f16.gguf");
        Path q4km = dir.resolve("demo-Q4_K_M.gguf");
        LlamaCppQuantizer.quantize(demo, q4km, LlamaCppQuantizer.FileType.Q4_K_M, 2);
        config = ConfigLoader.load(
                null,
                ShadowEveryPrompt.settings(
                        "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "kafka.starting-offsets=earliest",
                        "shadow.capacity-per-second=1000",
                        "candidates=[{name: q4km-llamacpp, backend: llama.cpp, recipe: 'file:" + q4km + "'},"
                                + " {name: aa-llamacpp, backend: llama.cpp, recipe: reference}]",
                        // Computed as the engine computes, so that llama.cpp on the reference file is identical.
                        "llama-cpp.kv-cache=f32",
                        "llama-cpp.flash-attention=disabled",
                        "engine.max-tokens=24",
                        "windows.size=10min",
                        "windows.slide=10min",
                        "windows.follow-clock-when-idle=false",
                        "alerts.use-defaults=false",
                        "metrics.prometheus.port=0",
                        "checkpoint-interval=1s"));
        kafka.createTopics(config.topics().names());
        DemoTraffic traffic = new DemoTraffic(11, 24);
        Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.HOURS);
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < PROMPTS; i++) {
                PromptEvent e = traffic.next(base.plusMillis(i * 100L));
                producer.send(new ProducerRecord<>(
                        config.topics().prompts(),
                        e.getRequestId().getBytes(StandardCharsets.UTF_8),
                        DemoTraffic.encode(e, false)));
            }
        }
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        MonitorJob.execute(env, config, true);
    }

    @AfterAll
    static void stop() {
        JvmMeterRegistry.shutdown();
        if (kafka != null) {
            kafka.close();
        }
    }

    private static <T extends SpecificRecord> List<T> read(String topic, Class<T> type) {
        try (TopicReader<T> r = new TopicReader<>(kafka.bootstrapServers(), topic, type)) {
            return r.readAll();
        }
    }

    private static List<DriftMetrics> rollup(String candidate) {
        return read(config.topics().metrics(), DriftMetrics.class).stream()
                .filter(w -> w.getCandidate().equals(candidate) && w.getTask().equals("*"))
                .toList();
    }

    @Test
    void everyPromptIsShadowedThroughLlamaCpp() {
        List<ShadowRecord> records = read(config.topics().shadowRecords(), ShadowRecord.class);
        assertThat(records).hasSize(PROMPTS * 2);
        for (String candidate : List.of("q4km-llamacpp", "aa-llamacpp")) {
            List<DriftMetrics> windows = rollup(candidate);
            assertThat(windows.stream().mapToLong(DriftMetrics::getPrompts).sum())
                    .as(candidate)
                    .isEqualTo(PROMPTS);
            assertThat(windows).allSatisfy(w -> {
                assertThat(w.getErrors()).isZero();
                assertThat(w.getTimeouts()).isZero();
            });
        }
    }

    @Test
    void llamaCppOnTheReferenceFileIsIdenticalAndTheQ4KmFileDrifts() {
        DriftMetrics aa = rollup("aa-llamacpp").get(0);
        DriftMetrics q4 = rollup("q4km-llamacpp").get(0);
        System.out.printf(
                "llama.cpp candidates in the job: A/A identical %.3f mean KL %.2e; Q4_K_M identical %.3f mean KL %.4f%n",
                aa.getIdentical().getValue(), aa.getMeanKl(), q4.getIdentical().getValue(), q4.getMeanKl());
        assertThat(aa.getIdentical().getValue()).isEqualTo(1.0);
        assertThat(aa.getMeanKl()).isLessThan(1e-4);
        assertThat(q4.getMeanKl()).isGreaterThan(aa.getMeanKl());
    }
}
