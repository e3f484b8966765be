package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.detectors.sampling.DeterministicSampler;
import io.quantwatch.embedded.DemoTraffic;
import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.embedded.TopicReader;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.AlertState;
import io.quantwatch.schemas.DeadLetter;
import io.quantwatch.schemas.DivergentSample;
import io.quantwatch.schemas.DriftAlert;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ShadowRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on a real in-process KRaft broker and a Flink MiniCluster, with the bundled model
 * behind an identical candidate and a damaging one (INT4 channel-wise): dead letters, counts,
 * alerts and samples as a user reads them from the output topics.
 */
class MonitorPipelineIntegrationTest {
    private static final int VALID = 80;
    private static final double RATE = 0.5;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static EmbeddedKafka kafka;
    private static final List<PromptEvent> sent = new ArrayList<>();
    private static final List<byte[]> malformed = new ArrayList<>();
    private static PromptEvent tooLong;
    private static TopicPartition tooLongAt;
    private static long tooLongOffset;
    private static MonitorConfig config;

    @BeforeAll
    static void runJobOverTraffic() throws Exception {
        kafka = EmbeddedKafka.start();
        config = ConfigLoader.load(
                null,
                List.of(
                        "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "kafka.starting-offsets=earliest",
                        "kafka.delivery=exactly-once",
                        "reference.model="
                                + Path.of(System.getProperty("quantwatch.root", "."))
                                        .resolve("models/quantwatch-demo-f16.gguf"),
                        "sampling.rate=" + RATE,
                        "sampling.per-tenant-per-second=1000",
                        "sampling.max-per-second=100000",
                        "sampling.burst=1000",
                        // A bounded replay reads everything at once: a pinned capacity admits every sampled prompt.
                        "shadow.capacity-per-second=1000",
                        "candidates=[{name: identical, backend: engine, recipe: reference}, {name: int4-cw, backend: engine, recipe: 'int4 sym group=-1'}]",
                        "engine.max-tokens=32",
                        "windows.size=10min",
                        "windows.slide=10min",
                        "alerts.use-defaults=false",
                        "alerts.rules=[{name: identical-low, metric: identical-rate, direction: below, threshold: 0.97, hysteresis: 0.01, min-samples: 20},"
                                + " {name: kl-up, metric: mean-kl, direction: above, threshold: 0.0002, hysteresis: 0.0001, min-samples: 20}]",
                        "samples.per-window=2",
                        "metrics.prometheus.port=0",
                        "checkpoint-interval=1s"));
        var t = config.topics();
        kafka.createTopics(t.names());

        DemoTraffic traffic = new DemoTraffic(7, 32);
        // Recent (within windows.max-age) and on a 10-minute boundary, so all prompts share one window.
        Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.HOURS);
        DeterministicSampler sampler = new DeterministicSampler(RATE, "");
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < VALID; i++) {
                PromptEvent e = traffic.next(base.plusMillis(i * 100L));
                sent.add(e);
                producer.send(new ProducerRecord<>(t.prompts(), key(e), DemoTraffic.encode(e, i % 5 == 0)));
                if (i % 16 == 3) {
                    byte[] bad = DemoTraffic.malformed(malformed.size(), e);
                    malformed.add(bad);
                    producer.send(new ProducerRecord<>(
                            t.prompts(), ("bad-" + malformed.size()).getBytes(StandardCharsets.UTF_8), bad));
                }
            }
            // A valid record the model cannot take: longer than its context. Its id is one the sampler keeps.
            int n = 0;
            while (!sampler.sampled("long-" + n)) {
                n++;
            }
            tooLong = PromptEvent.newBuilder(sent.get(0))
                    .setRequestId("long-" + n)
                    .setPrompt("word ".repeat(3000))
                    .build();
            RecordMetadata at = producer.send(
                            new ProducerRecord<>(t.prompts(), key(tooLong), DemoTraffic.encode(tooLong, false)))
                    .get();
            tooLongAt = new TopicPartition(at.topic(), at.partition());
            tooLongOffset = at.offset();
        }

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        MonitorJob.execute(env, config, true);
    }

    @AfterAll
    static void stop() {
        JvmMeterRegistry.shutdown();
        if (kafka != null) {
            kafka.close();
        }
    }

    private static byte[] key(PromptEvent e) {
        return e.getRequestId().getBytes(StandardCharsets.UTF_8);
    }

    private static <T extends SpecificRecord> List<T> read(String topic, Class<T> type) {
        try (TopicReader<T> r = new TopicReader<>(kafka.bootstrapServers(), topic, type)) {
            return r.readAll();
        }
    }

    private static long sampledValid() {
        DeterministicSampler sampler = new DeterministicSampler(RATE, "");
        return sent.stream().filter(e -> sampler.sampled(e.getRequestId())).count();
    }

    @Test
    void malformedRecordsReachTheDeadLetterTopicWholeWithTheirReasons() {
        List<DeadLetter> dead = read(config.topics().deadLetters(), DeadLetter.class);
        assertThat(dead).hasSize(malformed.size() + 1);
        List<byte[]> decodeFailures = dead.stream()
                .filter(d -> !d.getErrorClass().equals("PROMPT_TOO_LONG"))
                .map(d -> bytes(d.getValue()))
                .toList();
        assertThat(decodeFailures)
                .zipSatisfy(malformed, (got, want) -> assertThat(got).isEqualTo(want));
        assertThat(dead).allSatisfy(d -> assertThat(d.getReason()).isNotBlank());
        assertThat(dead.stream().map(DeadLetter::getErrorClass).collect(Collectors.toSet()))
                .contains("UNKNOWN_FORMAT", "UNKNOWN_SCHEMA", "CORRUPT_AVRO", "PROMPT_TOO_LONG");
        DeadLetter longOne = dead.stream()
                .filter(d -> d.getErrorClass().equals("PROMPT_TOO_LONG"))
                .findFirst()
                .orElseThrow();
        assertThat(longOne.getReason()).contains("context");
        // Refused after decoding, by the shadow stage, yet kept like a decode failure: its coordinates and original
        // bytes.
        assertThat(new TopicPartition(longOne.getSourceTopic(), longOne.getPartition()))
                .isEqualTo(tooLongAt);
        assertThat(longOne.getOffset()).isEqualTo(tooLongOffset);
        assertThat(bytes(longOne.getKey())).isEqualTo(key(tooLong));
        assertThat(bytes(longOne.getValue())).isEqualTo(DemoTraffic.encode(tooLong, false));
        assertThat(dead.stream().filter(d -> d.getReason().contains("prompt")).count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void windowCountsEqualTheSampledValidPrompts() {
        long expected = sampledValid();
        assertThat(expected).isBetween(25L, 55L); // the hash really samples about half
        List<ShadowRecord> records = read(config.topics().shadowRecords(), ShadowRecord.class);
        assertThat(records).hasSize((int) expected * 2);
        List<DriftMetrics> windows = read(config.topics().metrics(), DriftMetrics.class);
        for (String candidate : List.of("identical", "int4-cw")) {
            long perKey = windows.stream()
                    .filter(w ->
                            w.getCandidate().equals(candidate) && !w.getTask().equals("*"))
                    .mapToLong(DriftMetrics::getPrompts)
                    .sum();
            long rollup = windows.stream()
                    .filter(w ->
                            w.getCandidate().equals(candidate) && w.getTask().equals("*"))
                    .mapToLong(DriftMetrics::getPrompts)
                    .sum();
            assertThat(perKey).as(candidate + " per (task, tenant)").isEqualTo(expected);
            assertThat(rollup).as(candidate + " roll-up").isEqualTo(expected);
            assertThat(windows.stream()
                            .filter(w -> w.getCandidate().equals(candidate)
                                    && !w.getTask().equals("*")))
                    .as("nothing shed, timed out or failed")
                    .allSatisfy(w -> {
                        assertThat(w.getOffered()).isEqualTo(w.getPrompts());
                        assertThat(w.getShadowed()).isEqualTo(w.getPrompts());
                        assertThat(w.getTimeouts()).isZero();
                        assertThat(w.getErrors()).isZero();
                    });
        }
        Map<String, Long> tenants = windows.stream()
                .filter(w -> !w.getTenant().equals("*"))
                .collect(Collectors.groupingBy(DriftMetrics::getTenant, Collectors.counting()));
        assertThat(tenants.keySet()).containsExactlyInAnyOrder("acme", "globex", "initech");
    }

    @Test
    void theIdenticalCandidateRaisesNoAlertAndTheDamagingOneDoes() {
        List<DriftAlert> alerts = read(config.topics().alerts(), DriftAlert.class);
        String rollups = read(config.topics().metrics(), DriftMetrics.class).stream()
                .filter(w -> w.getTask().equals("*"))
                .map(w -> w.getCandidate() + " identical " + w.getIdentical())
                .collect(Collectors.joining("; "));
        assertThat(alerts).as(rollups).noneMatch(a -> a.getCandidate().equals("identical"));
        assertThat(alerts).as(rollups).anySatisfy(a -> {
            assertThat(a.getCandidate()).isEqualTo("int4-cw");
            assertThat(a.getRule()).isEqualTo("kl-up");
            assertThat(a.getState()).isEqualTo(AlertState.FIRING);
            assertThat(a.getValue()).isGreaterThan(0.0002);
            assertThat(a.getSamples()).isGreaterThanOrEqualTo(20);
        });
        List<DriftMetrics> identical = read(config.topics().metrics(), DriftMetrics.class).stream()
                .filter(w -> w.getCandidate().equals("identical"))
                .toList();
        assertThat(identical).allSatisfy(w -> {
            assertThat(w.getIdentical().getValue()).isEqualTo(1.0);
            assertThat(w.getMeanKl()).isEqualTo(0.0);
        });
    }

    @Test
    void divergentSamplesComeOnlyFromTheDamagingCandidateAndAreRedacted() {
        List<DivergentSample> samples = read(config.topics().samples(), DivergentSample.class);
        assertThat(samples).isNotEmpty().allSatisfy(s -> {
            assertThat(s.getCandidate()).isEqualTo("int4-cw");
            assertThat(s.getRedacted()).isTrue();
            assertThat(s.getBadness()).isPositive();
        });
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
