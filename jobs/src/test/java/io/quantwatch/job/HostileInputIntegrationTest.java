package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
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
import io.quantwatch.schemas.DeadLetter;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ShadowRecord;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hostile corpus on one prompts topic, interleaved with valid prompts, into the whole job on a MiniCluster with
 * restarts enabled and output topics at a broker's default limits (CreateTime timestamps, 1 MiB messages): every
 * hostile record has its documented dead letter, the job never restarts, nothing is fetched from the network, and
 * every valid prompt is shadowed and windowed.
 */
class HostileInputIntegrationTest {
    private static final int VALID = 60;
    private static final AvroSingleObjectSerializer<PromptEvent> AVRO =
            new AvroSingleObjectSerializer<>(PromptEvent.class);

    private static EmbeddedKafka kafka;
    private static HttpServer server;
    private static final AtomicInteger fetched = new AtomicInteger();
    /** prompts-topic offset → the dead-letter class it must get. */
    private static final Map<Long, String> expected = new LinkedHashMap<>();

    private static MonitorConfig config;
    private static long restarts;

    @BeforeAll
    static void runHostileCorpus() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            fetched.incrementAndGet();
            x.sendResponseHeaders(200, 2);
            x.getResponseBody().write("{}".getBytes(StandardCharsets.UTF_8));
            x.close();
        });
        server.start();
        String evil = "http://127.0.0.1:" + server.getAddress().getPort() + "/evil-schema.json";

        kafka = EmbeddedKafka.start();
        JvmMeterRegistry.shutdown();
        config = ConfigLoader.load(
                null,
                ShadowEveryPrompt.settings(
                        "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "kafka.starting-offsets=earliest",
                        "kafka.delivery=exactly-once",
                        "candidates=[{name: a, backend: engine, recipe: reference}, {name: b, backend: engine, recipe: reference}]",
                        "windows.size=10min",
                        "windows.slide=10min",
                        "shadow.capacity-per-second=1000",
                        "alerts.use-defaults=false",
                        "metrics.prometheus.port=0",
                        "checkpoint-interval=1s"));
        var t = config.topics();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            List<NewTopic> topics = new ArrayList<>();
            topics.add(new NewTopic(t.prompts(), 1, (short) 1)
                    .configs(Map.of("max.message.bytes", String.valueOf(16 << 20))));
            for (String out : List.of(t.deadLetters(), t.shadowRecords(), t.metrics(), t.alerts(), t.samples())) {
                // A stock broker's topic: producer timestamps checked (1 h ahead at most), 1 MiB messages.
                topics.add(new NewTopic(out, 1, (short) 1).configs(Map.of("message.timestamp.type", "CreateTime")));
            }
            admin.createTopics(topics).all().get();
        }

        long now = System.currentTimeMillis();
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("max.request.size", String.valueOf(16 << 20));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            Random random = new Random(11);
            List<byte[]> hostile = new ArrayList<>();
            List<String> classes = new ArrayList<>();
            hostile.add(filled(10 << 20));
            classes.add("RECORD_TOO_LARGE");
            hostile.add(json("big", now, "\"prompt\":\"" + "x".repeat(1_100_000) + "\""));
            classes.add("RECORD_TOO_LARGE");
            hostile.add(json("regex", now, "\"json_schema\":{\"type\":\"string\",\"pattern\":\"([a-\"}"));
            classes.add("INVALID_FIELD");
            hostile.add(json("ssrf", now, "\"json_schema\":{\"$ref\":\"" + evil + "\"}"));
            classes.add("INVALID_FIELD");
            hostile.add(json("deep", now, "\"json_schema\":" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000)));
            classes.add("INVALID_JSON");
            hostile.add(json("nonsense", now, "\"json_schema\":{\"type\":\"nonsense\"}"));
            classes.add("INVALID_FIELD");
            hostile.add(avroBomb(false));
            classes.add("CORRUPT_AVRO");
            hostile.add(avroBomb(true));
            classes.add("CORRUPT_AVRO");
            hostile.add(
                    AVRO.serialize(prompt("skewed", now + Duration.ofHours(2).toMillis())));
            classes.add("EVENT_TIME_OUT_OF_RANGE");
            hostile.add(AVRO.serialize(
                    prompt("year-2100", Instant.parse("2100-01-01T00:00:00Z").toEpochMilli())));
            classes.add("EVENT_TIME_OUT_OF_RANGE");
            hostile.add(
                    ("{\"request_id\":\"wrap\",\"tenant\":\"t\",\"model\":\"m\",\"prompt\":\"p\",\"event_time\":18446744073709551617}")
                            .getBytes(StandardCharsets.UTF_8));
            classes.add("INVALID_FIELD");
            hostile.add(
                    ("{\"request_id\":\"dup\",\"tenant\":\"t\",\"tenant\":\"u\",\"model\":\"m\",\"prompt\":\"p\",\"event_time\":"
                                    + now + "}")
                            .getBytes(StandardCharsets.UTF_8));
            classes.add("INVALID_JSON");
            // Valid, but longer than the (scripted) reference's 512-token context: refused by the shadow stage, after
            // decoding.
            hostile.add(AVRO.serialize(PromptEvent.newBuilder(prompt("too-long", now))
                    .setPrompt("word ".repeat(600))
                    .build()));
            classes.add("PROMPT_TOO_LONG");
            byte[] noise = new byte[200];
            random.nextBytes(noise);
            noise[0] = 'x';
            hostile.add(noise);
            classes.add("UNKNOWN_FORMAT");
            for (int i = 0; i < VALID; i++) {
                producer.send(new ProducerRecord<>(t.prompts(), AVRO.serialize(prompt("valid-" + i, now - 1_000 + i))));
                if (i < hostile.size()) {
                    long offset = producer.send(new ProducerRecord<>(t.prompts(), hostile.get(i)))
                            .get()
                            .offset();
                    expected.put(offset, classes.get(i));
                }
                if (i % 10 == 0) { // an at-least-once producer's retry of the same request
                    producer.send(
                            new ProducerRecord<>(t.prompts(), AVRO.serialize(prompt("valid-" + i, now - 1_000 + i))));
                }
            }
        }

        ShadowPipelineFactory pipelines = () -> {
            Map<String, ShadowPipelines> m = new LinkedHashMap<>();
            m.put("a", new ScriptedPipelines(Script.healthy()));
            m.put("b", new ScriptedPipelines(Script.healthy()));
            return m;
        };
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        var env = LocalFlinkEnvironment.create(2, conf).env();
        env.enableCheckpointing(config.checkpointInterval().toMillis());
        MonitorTopology.Outputs out = MonitorTopology.build(config, KafkaWiring.prompts(env, config, true), pipelines);
        KafkaWiring.publish(config, out);
        JobClient job = env.executeAsync("hostile corpus");
        job.getJobExecutionResult().get();
        restarts = new CounterTotals(
                        JvmMeterRegistry.get(config.metrics().settings()).registry())
                .total("quantwatch.task.restarts");
    }

    @AfterAll
    static void stop() {
        JvmMeterRegistry.shutdown();
        if (kafka != null) {
            kafka.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private static PromptEvent prompt(String id, long eventTime) {
        return PromptEvent.newBuilder()
                .setRequestId(id)
                .setTenant("acme")
                .setModel("m")
                .setTask("chat")
                .setPrompt("question " + id)
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setMaxTokens(16)
                .build();
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) '{');
        return b;
    }

    private static byte[] json(String id, long eventTime, String extra) {
        return ("{\"request_id\":\"" + id + "\",\"tenant\":\"acme\",\"model\":\"m\",\"prompt\":\"p\",\"event_time\":"
                        + eventTime + "," + extra + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A valid header, then a string length (or an array count) of 2³¹ − 9 with nothing behind it. */
    private static byte[] avroBomb(boolean array) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(Arrays.copyOf(AVRO.serialize(prompt("h", 0)), 10));
        var enc = EncoderFactory.get().directBinaryEncoder(body, null);
        enc.writeString("bomb");
        enc.writeString("acme");
        enc.writeString("m");
        enc.writeString("chat");
        if (array) {
            enc.writeString("p");
            enc.writeEnum(0);
            enc.writeIndex(0);
            enc.writeIndex(0);
            enc.writeInt(16);
        }
        enc.writeLong(Integer.MAX_VALUE - 8);
        enc.flush();
        return body.toByteArray();
    }

    private static <T extends SpecificRecord> List<T> read(String topic, Class<T> type) {
        try (TopicReader<T> r = new TopicReader<>(kafka.bootstrapServers(), topic, type)) {
            return r.readAll();
        }
    }

    @Test
    void everyHostileRecordIsADeadLetterOfItsClassAndTheJobNeverRestarts() {
        List<DeadLetter> dead = read(config.topics().deadLetters(), DeadLetter.class);
        // Every dead letter points at its own record, whether refused while decoding or by the shadow stage.
        Map<Long, String> got = dead.stream()
                .collect(Collectors.toMap(DeadLetter::getOffset, DeadLetter::getErrorClass, (x, y) -> x + "+" + y));
        assertThat(got).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(dead).allSatisfy(d -> assertThat(d.getReason()).isNotBlank());
        DeadLetter huge = dead.stream()
                .filter(d -> d.getValueLength() != null && d.getValueLength() == 10 << 20)
                .findFirst()
                .orElseThrow();
        assertThat(huge.getTruncated()).isTrue();
        assertThat(restarts).isZero();
    }

    @Test
    void nothingIsFetchedForARequestSchema() {
        assertThat(fetched).hasValue(0);
    }

    @Test
    void everyValidPromptIsShadowedOnceAndWindowed() {
        List<ShadowRecord> records = read(config.topics().shadowRecords(), ShadowRecord.class);
        assertThat(records).hasSize(VALID * 2);
        assertThat(records.stream().map(ShadowRecord::getRequestId).distinct()).hasSize(VALID);
        long windowed = read(config.topics().metrics(), DriftMetrics.class).stream()
                .filter(w -> !w.getTask().equals(RollupWindow.ALL))
                .mapToLong(DriftMetrics::getPrompts)
                .sum();
        assertThat(windowed).isEqualTo(VALID * 2);
    }
}
