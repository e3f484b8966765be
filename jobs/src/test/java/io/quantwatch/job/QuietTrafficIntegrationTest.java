package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.AvroSingleObjectSerializer;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.shadow.ScriptedPipelines;
import io.quantwatch.connectors.shadow.ScriptedPipelines.Script;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.embedded.LocalFlinkEnvironment;
import io.quantwatch.embedded.TopicReader;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.PromptEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Traffic that stops in the middle of a window and nothing after it: with {@code windows.follow-clock-when-idle} event
 * time follows the clock once every source has been quiet for the idle timeout, so that window and its roll-up are
 * published within {@code idle-timeout + out-of-orderness} of its end (plus the job's own latency), not when the next
 * prompt comes; when traffic resumes, nothing is counted twice.
 */
class QuietTrafficIntegrationTest {
    private static final Duration SIZE = Duration.ofSeconds(10);
    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final Duration DISORDER = Duration.ofSeconds(1);
    private static final int PROMPTS = 12;
    private static final List<String> CANDIDATES = List.of("c1", "c2");
    private static final AvroSingleObjectSerializer<PromptEvent> AVRO =
            new AvroSingleObjectSerializer<>(PromptEvent.class);

    private static EmbeddedKafka kafka;
    private static MonitorConfig config;
    private static long quietWindowEnd;
    /** When each window of the quiet stretch reached the topic (broker timestamp, ms). */
    private static List<TopicReader.Timed<DriftMetrics>> quietWindows;

    private static List<DriftMetrics> all;

    @BeforeAll
    static void trafficStopsMidWindowThenResumes() throws Exception {
        kafka = EmbeddedKafka.start();
        JvmMeterRegistry.shutdown();
        config = ConfigLoader.load(
                null,
                ShadowEveryPrompt.settings(
                        "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "kafka.starting-offsets=earliest",
                        "kafka.delivery=at-least-once",
                        "candidates=["
                                + CANDIDATES.stream()
                                        .map(c -> "{name: " + c + ", backend: engine, recipe: reference}")
                                        .collect(Collectors.joining(", "))
                                + "]",
                        "windows.size=" + SIZE.toSeconds() + "s",
                        "windows.slide=" + SIZE.toSeconds() + "s",
                        "windows.out-of-orderness=" + DISORDER.toSeconds() + "s",
                        "windows.idle-timeout=" + IDLE.toSeconds() + "s",
                        "shadow.max-delay=5s",
                        "shadow.timeout=2s",
                        "shadow.capacity-per-second=1000",
                        "engine.parallelism=2",
                        "alerts.use-defaults=false",
                        "metrics.prometheus.port=0",
                        "checkpoint-interval=2s"));
        var t = config.topics();
        kafka.createTopics(3, t.prompts());
        kafka.createTopics(t.names());
        ShadowPipelineFactory pipelines = () -> {
            Map<String, ShadowPipelines> m = new LinkedHashMap<>();
            CANDIDATES.forEach(c -> m.put(c, new ScriptedPipelines(Script.healthy())));
            return m;
        };
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        var env = LocalFlinkEnvironment.create(2, conf).env();
        env.enableCheckpointing(config.checkpointInterval().toMillis());
        KafkaWiring.publish(config, MonitorTopology.build(config, KafkaWiring.prompts(env, config, false), pipelines));
        JobClient job = env.executeAsync("quiet traffic");

        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("linger.ms", "0");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            long size = SIZE.toMillis();
            // Start a little into a window, so the prompts and the stop both fall inside it.
            long now = System.currentTimeMillis();
            long windowStart = (now / size + 1) * size;
            Thread.sleep(windowStart + 1_000 - now);
            quietWindowEnd = windowStart + size;
            for (int i = 0; i < PROMPTS; i++) {
                send(producer, prompt("q-" + i, "tenant-" + (i % 2), System.currentTimeMillis()));
                Thread.sleep(100);
            }
            producer.flush();
            // Nothing more: the window must close on the clock.
            long deadline = quietWindowEnd + Duration.ofSeconds(60).toMillis();
            do {
                Thread.sleep(500);
                quietWindows = timedWindows().stream()
                        .filter(w -> w.value().getWindowEnd().toEpochMilli() == quietWindowEnd)
                        .toList();
            } while (quietWindows.stream().noneMatch(w -> w.value().getTask().equals(RollupWindow.ALL))
                    && System.currentTimeMillis() < deadline);
            // Traffic resumes two windows later; its own window closes on the clock as well.
            for (int i = 0; i < PROMPTS; i++) {
                send(producer, prompt("r-" + i, "tenant-" + (i % 2), System.currentTimeMillis()));
            }
        }
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        do {
            Thread.sleep(1_000);
            all = timedWindows().stream().map(TopicReader.Timed::value).toList();
        } while (all.stream()
                                .filter(w -> w.getTask().equals(RollupWindow.ALL))
                                .mapToLong(DriftMetrics::getPrompts)
                                .sum()
                        < 2L * PROMPTS * CANDIDATES.size()
                && System.nanoTime() < end);
        Thread.sleep(3_000); // a duplicate would be on its way
        all = timedWindows().stream().map(TopicReader.Timed::value).toList();
        job.cancel().get();
    }

    @AfterAll
    static void stop() {
        JvmMeterRegistry.shutdown();
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theWindowTrafficStoppedInIsPublishedWithinTheBoundWithoutAnotherPrompt() {
        assertThat(quietWindows)
                .as("the quiet window's per-key windows and roll-up")
                .anyMatch(w -> w.value().getTask().equals(RollupWindow.ALL))
                .anyMatch(w -> !w.value().getTask().equals(RollupWindow.ALL));
        long bound = IDLE.plus(DISORDER).plusSeconds(10).toMillis(); // + the job's own latency on a busy CI machine
        long latest = quietWindows.stream()
                .mapToLong(TopicReader.Timed::emittedMillis)
                .max()
                .orElseThrow();
        System.out.printf(
                "quiet traffic: window_end=%d published_after_ms=%d bound_ms=%d%n",
                quietWindowEnd, latest - quietWindowEnd, bound);
        assertThat(latest - quietWindowEnd).isLessThanOrEqualTo(bound);
        DriftMetrics rollup = quietWindows.stream()
                .map(TopicReader.Timed::value)
                .filter(w -> w.getTask().equals(RollupWindow.ALL))
                .findFirst()
                .orElseThrow();
        assertThat(rollup.getPrompts()).isEqualTo(PROMPTS);
    }

    @Test
    void whenTrafficResumesNothingIsCountedTwice() {
        Map<String, List<DriftMetrics>> byKey = new LinkedHashMap<>();
        for (DriftMetrics w : all) {
            byKey.computeIfAbsent(
                            w.getCandidate() + "/" + w.getTask() + "/" + w.getTenant() + "@" + w.getWindowEnd(),
                            k -> new ArrayList<>())
                    .add(w);
        }
        assertThat(byKey.values()).allSatisfy(ws -> assertThat(ws).hasSize(1));
        for (String candidate : CANDIDATES) {
            long perKey = all.stream()
                    .filter(w ->
                            w.getCandidate().equals(candidate) && !w.getTask().equals(RollupWindow.ALL))
                    .mapToLong(DriftMetrics::getPrompts)
                    .sum();
            long rollups = all.stream()
                    .filter(w ->
                            w.getCandidate().equals(candidate) && w.getTask().equals(RollupWindow.ALL))
                    .mapToLong(DriftMetrics::getPrompts)
                    .sum();
            assertThat(perKey).as(candidate).isEqualTo(2L * PROMPTS).isEqualTo(rollups);
        }
    }

    private static List<TopicReader.Timed<DriftMetrics>> timedWindows() {
        try (TopicReader<DriftMetrics> r =
                new TopicReader<>(kafka.bootstrapServers(), config.topics().metrics(), DriftMetrics.class)) {
            List<TopicReader.Timed<DriftMetrics>> out = new ArrayList<>();
            List<TopicReader.Timed<DriftMetrics>> batch;
            do {
                batch = r.pollTimed(Duration.ofSeconds(1));
                out.addAll(batch);
            } while (!batch.isEmpty());
            return out;
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, PromptEvent e) {
        producer.send(new ProducerRecord<>(
                config.topics().prompts(), e.getRequestId().getBytes(StandardCharsets.UTF_8), AVRO.serialize(e)));
    }

    private static PromptEvent prompt(String id, String tenant, long eventTime) {
        return PromptEvent.newBuilder()
                .setRequestId(id)
                .setTenant(tenant)
                .setModel("m")
                .setTask("chat")
                .setPrompt("question " + id)
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setMaxTokens(16)
                .build();
    }
}
