package io.quantwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.AvroSingleObjectSerializer;
import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.embedded.Readiness;
import io.quantwatch.embedded.TopicReader;
import io.quantwatch.job.RollupWindow;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ShadowRecord;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code quantwatch run} as an operator runs it, in its own JVM: SIGTERM mid-window stops it with a savepoint, the next
 * start resumes from that savepoint by itself, and the window open across the stop is published once with exact counts.
 */
class RunCommandSigtermIntegrationTest {
    private static final int PER_RUN = 15;
    private static final AvroSingleObjectSerializer<PromptEvent> AVRO =
            new AvroSingleObjectSerializer<>(PromptEvent.class);
    private static final Pattern STOPPED = Pattern.compile("stopped with savepoint (\\S+)");
    private static final Pattern RESUMING = Pattern.compile("resuming from (\\S+)");

    private static EmbeddedKafka kafka;
    private static MonitorConfig config;
    private static Instant windowEnd;
    private static final List<Run> runs = new ArrayList<>();

    /** One {@code quantwatch run} process: its exit code and everything it printed. */
    record Run(int exitCode, String log) {
        /** The path the pattern captures, whether printed as a {@code file:} URI or a plain path. */
        Path find(Pattern p) {
            Matcher m = p.matcher(log);
            if (!m.find()) {
                return null;
            }
            String s = m.group(1);
            return s.startsWith("file:") ? Path.of(URI.create(s)) : Path.of(s);
        }
    }

    @BeforeAll
    static void runStopAndRunAgain() throws Exception {
        kafka = EmbeddedKafka.start();
        Path dir = Files.createTempDirectory("quantwatch-run");
        List<String> settings = List.of(
                "sampling.salt=sigterm-test-salt-0123456789",
                "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "kafka.starting-offsets=earliest",
                "kafka.delivery=exactly-once",
                "reference.model="
                        + Path.of(System.getProperty("quantwatch.root", "."))
                                .toAbsolutePath()
                                .resolve("models/quantwatch-demo-f16.gguf"),
                "sampling.rate=1",
                "sampling.per-tenant-per-second=1000",
                "sampling.max-per-second=100000",
                "sampling.burst=1000",
                "candidates=[{name: identical, backend: engine, recipe: reference}]",
                "engine.max-tokens=8",
                "windows.size=1h",
                "windows.slide=1h",
                // Traffic of the last full hour, half of it sent between the runs: its window must stay open across
                // the stop, so event time must not follow the clock while the first run waits.
                "windows.follow-clock-when-idle=false",
                "shadow.capacity-per-second=1000",
                "alerts.use-defaults=false",
                "metrics.prometheus.port=0",
                "checkpoint-interval=1s",
                "checkpoint-dir=" + dir.resolve("checkpoints").toUri());
        config = ConfigLoader.load(null, settings);
        kafka.createTopics(config.topics().names());
        // The last full hour: one window, every event time behind the clock.
        Instant base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
        windowEnd = base.plus(Duration.ofHours(1));

        // Prompt i at base + 3i s; the first run shadows those whose 30 s admission period the watermark has passed.
        produce(0, PER_RUN, base);
        Process first = start(settings, dir.resolve("first.log"));
        await(
                () -> read(config.topics().shadowRecords(), ShadowRecord.class).size() >= 10,
                first,
                dir.resolve("first.log"));
        runs.add(stop(first, dir.resolve("first.log")));

        produce(PER_RUN, 2 * PER_RUN, base.plusSeconds(3L * PER_RUN));
        // A prompt of this hour moves the watermark past the last hour's end: its window closes in the second run.
        produce(1_000, 1_001, Instant.now().minusSeconds(1));
        Process second = start(settings, dir.resolve("second.log"));
        await(
                () -> read(config.topics().metrics(), DriftMetrics.class).stream()
                        .anyMatch(w -> w.getTask().equals(RollupWindow.ALL)),
                second,
                dir.resolve("second.log"));
        runs.add(stop(second, dir.resolve("second.log")));
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Process start(List<String> settings, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector",
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                QuantwatchCommand.class.getName(),
                "run"));
        for (String s : settings) {
            command.add("--set");
            command.add(s);
        }
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** SIGTERM, as from systemd, Kubernetes or Ctrl-C's cousin, then the process's own way out. */
    private static Run stop(Process p, Path log) throws Exception {
        p.destroy();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("exited after SIGTERM").isTrue();
        return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Waits for {@code done}; fails with the process's log if it exits first or two minutes pass. */
    private static void await(BooleanSupplier done, Process p, Path log) {
        Readiness.of("quantwatch run", p, log, Duration.ofMinutes(2))
                .await(() -> done.getAsBoolean() ? Optional.empty() : Optional.of("its output is not there yet"));
    }

    /** Prompts {@code from} to {@code to} − 1, 3 s apart in event time from {@code start}. */
    private static void produce(int from, int to, Instant start) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                PromptEvent e = PromptEvent.newBuilder()
                        .setRequestId("r-" + i)
                        .setTenant("acme")
                        .setModel("m")
                        .setTask("chat")
                        .setPrompt("User: hello number " + i + "\nAssistant:")
                        .setEventTime(start.plusSeconds(3L * (i - from)))
                        .setMaxTokens(8)
                        .build();
                producer.send(new ProducerRecord<>(config.topics().prompts(), AVRO.serialize(e)));
            }
        }
    }

    private static <T extends SpecificRecord> List<T> read(String topic, Class<T> type) {
        try (TopicReader<T> r = new TopicReader<>(kafka.bootstrapServers(), topic, type)) {
            return r.readAll();
        }
    }

    @Test
    void sigtermStopsWithASavepointAndTheNextStartResumesFromIt() {
        Path savepoint = runs.get(0).find(STOPPED);
        assertThat(savepoint).as(runs.get(0).log()).isNotNull();
        assertThat(runs.get(1).find(RESUMING)).isEqualTo(savepoint);
        assertThat(runs.get(1).find(STOPPED)).isNotNull().isNotEqualTo(savepoint);
    }

    @Test
    void everyPromptOfTheWindowIsShadowedOnceAcrossTheStop() {
        Predicate<ShadowRecord> inWindow = r -> r.getEventTime().isBefore(windowEnd);
        List<ShadowRecord> records = read(config.topics().shadowRecords(), ShadowRecord.class).stream()
                .filter(inWindow)
                .toList();
        assertThat(records.stream().map(ShadowRecord::getRequestId).collect(Collectors.toSet()))
                .hasSize(2 * PER_RUN);
        assertThat(records).hasSize(2 * PER_RUN);
    }

    @Test
    void theWindowOpenAcrossTheStopIsPublishedOnceWithExactCounts() {
        List<DriftMetrics> windows = read(config.topics().metrics(), DriftMetrics.class).stream()
                .filter(w -> w.getWindowEnd().equals(windowEnd))
                .toList();
        assertThat(windows.stream().filter(w -> w.getTask().equals(RollupWindow.ALL)))
                .singleElement()
                .satisfies(w -> assertThat(w.getPrompts()).isEqualTo(2 * PER_RUN));
        assertThat(windows.stream().filter(w -> !w.getTask().equals(RollupWindow.ALL)))
                .singleElement()
                .satisfies(w -> assertThat(w.getPrompts()).isEqualTo(2 * PER_RUN));
    }
}
