package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.AvroSingleObjectSerializer;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.shadow.ScriptedPipelines;
import io.quantwatch.connectors.shadow.ScriptedPipelines.Script;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.embedded.CounterTotals;
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
 * Live traffic from a three-partition prompts topic, read by two source subtasks, in bursts separated by pauses longer
 * than {@code windows.idle-timeout} (every source subtask goes idle between them), with one client whose clock runs
 * three minutes ahead: every per-key window has its roll-up with the same count, and no record or window is late.
 *
 * <p>CI runs the issue's scenario compressed in time (bursts of 12 at 5/s, 6 s pauses, 2 s idle timeout, 10 s windows);
 * {@code -Dpause.issue-timings=true} runs it as measured (25 at 1/s, 45 s pauses, the default 30 s idle timeout, 1 min
 * windows sliding by 30 s: about 4 minutes).
 */
class IdlePauseIntegrationTest {
    private static final boolean ISSUE = Boolean.getBoolean("pause.issue-timings");
    private static final int BURSTS = 3;
    private static final int PER_BURST = ISSUE ? 25 : 12;
    private static final long GAP_MILLIS = ISSUE ? 1_000 : 200;
    private static final long PAUSE_MILLIS = ISSUE ? 45_000 : 6_000;
    private static final Duration SIZE = Duration.ofSeconds(ISSUE ? 60 : 10);
    private static final List<String> CANDIDATES = List.of("c1", "c2", "c3", "c4");
    private static final AvroSingleObjectSerializer<PromptEvent> AVRO =
            new AvroSingleObjectSerializer<>(PromptEvent.class);

    private static EmbeddedKafka kafka;
    private static MonitorConfig config;
    private static long lastBurstPrompt;
    private static List<DriftMetrics> windows;
    private static long late;
    /** Event times the fast-clock client claimed. */
    private static final List<Long> fastClock = new ArrayList<>();

    private static final String FAST_CLOCK = "fast-clock";
    private static long valid;

    @BeforeAll
    static void burstsAndPauses() throws Exception {
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
                        "windows.slide=" + SIZE.toSeconds() / 2 + "s",
                        "windows.out-of-orderness=1s",
                        "windows.idle-timeout=" + (ISSUE ? "30s" : "2s"),
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
        JobClient job = env.executeAsync("pauses");

        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("linger.ms", "0");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int b = 0; b < BURSTS; b++) {
                if (b > 0) {
                    Thread.sleep(PAUSE_MILLIS);
                }
                for (int i = 0; i < PER_BURST; i++) {
                    int n = b * PER_BURST + i;
                    lastBurstPrompt = System.currentTimeMillis();
                    send(
                            producer,
                            prompt("p-" + n, "tenant-" + (n % 3), n % 2 == 0 ? "chat" : "tool_call", lastBurstPrompt));
                    if (i == PER_BURST / 2) {
                        long claimed = lastBurstPrompt + Duration.ofMinutes(3).toMillis();
                        fastClock.add(claimed);
                        send(producer, prompt("fast-" + b, FAST_CLOCK, "chat", claimed));
                    }
                    Thread.sleep(GAP_MILLIS);
                }
            }
            // Later traffic closes the last bursts' windows (the watermark only moves with prompts, and never past the
            // clock).
            Thread.sleep(SIZE.toMillis() + 2_000);
            send(producer, prompt("closer", "tenant-0", "chat", System.currentTimeMillis()));
        }
        long expected = 2L * CANDIDATES.size() * BURSTS * PER_BURST;
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        do {
            Thread.sleep(1_000);
            windows = burstWindows();
        } while (perKeyPrompts(false) < expected && System.nanoTime() < end);
        Thread.sleep(3_000); // any roll-up, late window or duplicate still on its way
        windows = burstWindows();
        job.cancel().get();
        CounterTotals counters = new CounterTotals(
                JvmMeterRegistry.get(config.metrics().settings()).registry());
        late = counters.total("quantwatch.late.records") + counters.total("quantwatch.late.windows");
        valid = counters.total("quantwatch.prompts", "outcome", "valid");
    }

    @AfterAll
    static void stop() {
        JvmMeterRegistry.shutdown();
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, PromptEvent e) {
        producer.send(new ProducerRecord<>(
                config.topics().prompts(), e.getRequestId().getBytes(StandardCharsets.UTF_8), AVRO.serialize(e)));
    }

    private static PromptEvent prompt(String id, String tenant, String task, long eventTime) {
        return PromptEvent.newBuilder()
                .setRequestId(id)
                .setTenant(tenant)
                .setModel("m")
                .setTask(task)
                .setPrompt("question " + id)
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setMaxTokens(16)
                .build();
    }

    /** Windows that hold burst prompts: every one ends before the closer's watermark. */
    private static List<DriftMetrics> burstWindows() {
        Instant last = Instant.ofEpochMilli(lastBurstPrompt).plus(SIZE);
        try (TopicReader<DriftMetrics> r =
                new TopicReader<>(kafka.bootstrapServers(), config.topics().metrics(), DriftMetrics.class)) {
            return r.readAll().stream()
                    .filter(w -> !w.getWindowEnd().isAfter(last))
                    .toList();
        }
    }

    private static long perKeyPrompts(boolean fast) {
        return windows.stream()
                .filter(w ->
                        !w.getTask().equals(RollupWindow.ALL) && w.getTenant().equals(FAST_CLOCK) == fast)
                .mapToLong(DriftMetrics::getPrompts)
                .sum();
    }

    /** Window memberships of the fast clock's prompts in windows that have closed (the clock caught up with them). */
    private static long fastClockMemberships() {
        long size = SIZE.toMillis();
        long slide = size / 2;
        long cutoff = lastBurstPrompt + size;
        long n = 0;
        for (long t : fastClock) {
            for (long start = t - Math.floorMod(t, slide); start > t - size; start -= slide) {
                n += start + size <= cutoff ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void everyPerKeyWindowHasItsRollUpWithTheSameCountAndNothingIsLate() {
        Map<String, Long> perKey = windows.stream()
                .filter(w -> !w.getTask().equals(RollupWindow.ALL))
                .collect(Collectors.groupingBy(
                        w -> w.getCandidate() + "@" + w.getWindowEnd(),
                        Collectors.summingLong(DriftMetrics::getPrompts)));
        Map<String, Long> rollups = windows.stream()
                .filter(w -> w.getTask().equals(RollupWindow.ALL))
                .collect(Collectors.toMap(
                        w -> w.getCandidate() + "@" + w.getWindowEnd(), DriftMetrics::getPrompts, Long::sum));
        assertThat(perKey).isNotEmpty();
        assertThat(rollups).isEqualTo(perKey);
        // Each burst prompt is in size / slide = 2 windows per candidate; no window is published twice. The fast
        // clock's
        // prompts are in the windows they claim once real time has caught up (with the CI timings, never within the
        // test).
        assertThat(perKeyPrompts(false)).isEqualTo(2L * CANDIDATES.size() * BURSTS * PER_BURST);
        assertThat(perKeyPrompts(true)).isEqualTo(CANDIDATES.size() * fastClockMemberships());
        assertThat(windows.stream()
                        .map(w -> w.getCandidate() + "/" + w.getTask() + "/" + w.getTenant() + "@" + w.getWindowEnd()))
                .doesNotHaveDuplicates();
        assertThat(late).isZero();
        assertThat(valid)
                .as("the fast clock's prompts are accepted, in windows of their own")
                .isEqualTo(BURSTS * PER_BURST + BURSTS + 1);
    }
}
