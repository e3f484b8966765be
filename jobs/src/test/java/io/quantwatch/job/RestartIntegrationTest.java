package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.AvroSingleObjectSerializer;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.embedded.TopicReader;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ShadowRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stop mid-window with a savepoint (with sampled prompts still held by the shadow stage), produce more, start again
 * from the newest state under checkpoint-dir: the window is published once, with every prompt of both runs, and every
 * prompt is shadowed once (read_committed).
 */
class RestartIntegrationTest {
    private static final int PER_RUN = 15;
    private static final AvroSingleObjectSerializer<PromptEvent> AVRO =
            new AvroSingleObjectSerializer<>(PromptEvent.class);

    private static EmbeddedKafka kafka;
    private static MonitorConfig config;
    private static String savepoint;
    private static Path resumedFrom;

    @BeforeAll
    static void stopAndStart() throws Exception {
        kafka = EmbeddedKafka.start();
        JvmMeterRegistry.shutdown();
        Path dir = Files.createTempDirectory("quantwatch-checkpoints");
        config = ConfigLoader.load(
                null,
                ShadowEveryPrompt.settings(
                        "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "kafka.starting-offsets=earliest",
                        "kafka.delivery=exactly-once",
                        "candidates=[{name: identical, backend: engine, recipe: reference}]",
                        "engine.max-tokens=8",
                        "windows.size=1h",
                        "windows.slide=1h",
                        // The window must stay open across the restart, also when the hour it covers ends while the
                        // test runs: event time must not follow the clock while a run waits.
                        "windows.follow-clock-when-idle=false",
                        "shadow.capacity-per-second=1000",
                        "alerts.use-defaults=false",
                        "metrics.prometheus.port=0",
                        "checkpoint-interval=1s",
                        "checkpoint-dir=" + dir.toUri()));
        var t = config.topics();
        kafka.createTopics(t.names());
        // One window for both runs, all event times behind the clock (the watermark never runs ahead of it).
        Instant base = Instant.now().minus(Duration.ofMinutes(2)).truncatedTo(ChronoUnit.HOURS);

        // Prompt i at base + 3i s. 30 s admission periods run once the watermark (newest event − 5 s) passes them: the
        // first run shadows prompts 0–9 and stops holding 10–14 in state; the second run shadows up to 19, the drain
        // the rest.
        produce(0, base);
        JobClient first = MonitorJob.start(environment(null), config);
        awaitShadowRecords(10);
        savepoint = first.stopWithSavepoint(false, MonitorJob.savepointDir(config), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);

        produce(PER_RUN, base);
        resumedFrom = CheckpointResume.latest(config.checkpointDir()).orElseThrow();
        JobClient second = MonitorJob.start(environment(resumedFrom.toString()), config);
        awaitShadowRecords(20);
        // Drain: the final watermark closes the window the stop left open.
        second.stopWithSavepoint(true, MonitorJob.savepointDir(config), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
    }

    @AfterAll
    static void stop() {
        JvmMeterRegistry.shutdown();
        if (kafka != null) {
            kafka.close();
        }
    }

    private static StreamExecutionEnvironment environment(String restore) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        if (restore != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restore);
        }
        return StreamExecutionEnvironment.createLocalEnvironment(2, conf);
    }

    private static void produce(int from, Instant base) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = from; i < from + PER_RUN; i++) {
                PromptEvent e = PromptEvent.newBuilder()
                        .setRequestId("r-" + i)
                        .setTenant("acme")
                        .setModel("m")
                        .setTask("chat")
                        .setPrompt("User: hello number " + i + "\nAssistant:")
                        .setEventTime(base.plusSeconds(3L * i))
                        .setMaxTokens(8)
                        .build();
                producer.send(new ProducerRecord<>(config.topics().prompts(), AVRO.serialize(e)));
            }
        }
    }

    private static void awaitShadowRecords(int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (read(config.topics().shadowRecords(), ShadowRecord.class).size() < n && System.nanoTime() < end) {
            Thread.sleep(500);
        }
    }

    private static <T extends SpecificRecord> List<T> read(String topic, Class<T> type) {
        try (TopicReader<T> r = new TopicReader<>(kafka.bootstrapServers(), topic, type)) {
            return r.readAll();
        }
    }

    @Test
    void theSecondRunResumedFromTheSavepoint() {
        assertThat(savepoint).endsWith(resumedFrom.getFileName().toString());
    }

    @Test
    void everyPromptIsShadowedOnceAcrossTheRestart() {
        List<ShadowRecord> records = read(config.topics().shadowRecords(), ShadowRecord.class);
        assertThat(records).hasSize(2 * PER_RUN);
        assertThat(records.stream().map(ShadowRecord::getRequestId).collect(Collectors.toSet()))
                .hasSize(2 * PER_RUN);
    }

    @Test
    void theWindowOpenAcrossTheRestartIsPublishedOnceWithExactCounts() {
        List<DriftMetrics> windows = read(config.topics().metrics(), DriftMetrics.class);
        List<DriftMetrics> rollups = windows.stream()
                .filter(w -> w.getTask().equals(RollupWindow.ALL))
                .toList();
        assertThat(rollups).hasSize(1);
        assertThat(rollups.get(0).getPrompts()).isEqualTo(2 * PER_RUN);
        assertThat(windows.stream().filter(w -> !w.getTask().equals(RollupWindow.ALL)))
                .singleElement()
                .satisfies(w -> assertThat(w.getPrompts()).isEqualTo(2 * PER_RUN));
    }
}
