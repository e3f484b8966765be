package io.quantwatch.job.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.embedded.ApicurioRegistry;
import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.embedded.TestCertificates;
import io.quantwatch.embedded.TopicReader;
import io.quantwatch.job.MonitorJob;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.registry.ConfluentFraming;
import io.quantwatch.registry.FramedAvro;
import io.quantwatch.registry.SchemaRegistryClient;
import io.quantwatch.schemas.DeadLetter;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ShadowRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team's Schema Registry topic through the whole job: records a Node.js service framed with
 * {@code @kafkajs/confluent-schema-registry} against a real Apicurio Registry (TLS, basic auth) — two versions of the
 * team's own schema, mapped by {@code input.fields}, and the monitor's PromptEvent — are read with their writer
 * schemas resolved to the readers'; an unknown id and an incompatible writer are dead letters naming why; every output
 * topic is published in the registry's framing under {@code <topic>-value}.
 */
class SchemaRegistryEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT_LOG_V1 = """
            {"type": "record", "name": "ChatLog", "namespace": "com.acme", "fields": [
              {"name": "id", "type": "string"}, {"name": "org", "type": "string"},
              {"name": "model_name", "type": "string"},
              {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "text", "type": "string"}]}""";
    private static final String CHAT_LOG_V2 = CHAT_LOG_V1.replace(
            "{\"name\": \"text\", \"type\": \"string\"}]}",
            "{\"name\": \"text\", \"type\": \"string\"},"
                    + " {\"name\": \"region\", \"type\": \"string\", \"default\": \"eu\"}]}");
    /** The same record name with {@code id} as a number: no resolution to the team's reader exists. */
    private static final String CHAT_LOG_BROKEN =
            CHAT_LOG_V1.replace("{\"name\": \"id\", \"type\": \"string\"}", "{\"name\": \"id\", \"type\": \"long\"}");

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    private static ApicurioRegistry registry;
    private static EmbeddedKafka kafka;
    private static MonitorConfig config;
    private static SchemaRegistryClient client;
    private static byte[] unknownId;
    private static byte[] broken;

    @BeforeAll
    static void runJobOverFramedTraffic() throws Exception {
        certs = TestCertificates.create(dir.resolve("certs"));
        registry = ApicurioRegistry.start(
                Path.of("target/apicurio-registry"),
                dir.resolve("apicurio"),
                new ApicurioRegistry.Security(certs.brokerKeystore(), certs.password(), "quantwatch", "s3cret-pw"));
        kafka = EmbeddedKafka.start();
        Path reader = Files.writeString(dir.resolve("chat-log.avsc"), CHAT_LOG_V2);
        Path passwordFile = Files.writeString(dir.resolve("registry-password"), "s3cret-pw\n");
        Path trustPasswordFile = Files.writeString(dir.resolve("truststore-password"), certs.password());
        Path root = Path.of(System.getProperty("quantwatch.root", ".")).toAbsolutePath();
        config = ConfigLoader.load(
                null,
                List.of(
                        "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "kafka.starting-offsets=earliest",
                        "reference.model=" + root.resolve("models/quantwatch-demo-f16.gguf"),
                        "schema-registry.url=" + registry.url(),
                        "schema-registry.basic-auth-user=quantwatch",
                        "schema-registry.basic-auth-password=${file:" + passwordFile + "}",
                        "schema-registry.truststore=" + certs.caTruststore(),
                        "schema-registry.truststore-password=${file:" + trustPasswordFile + "}",
                        "schema-registry.frame-outputs=true",
                        "input.fields={request_id: /id, tenant: /org, model: /model_name, event_time: /ts,"
                                + " prompt: /text}",
                        "input.avro-schemas=[" + reader + "]",
                        "sampling.rate=1",
                        "sampling.per-tenant-per-second=1000",
                        "sampling.max-per-second=100000",
                        "sampling.burst=1000",
                        "shadow.capacity-per-second=1000",
                        "candidates=[{name: identical, backend: engine, recipe: reference}]",
                        "engine.max-tokens=8",
                        "windows.size=10min",
                        "windows.slide=10min",
                        "alerts.use-defaults=false",
                        "metrics.prometheus.port=0",
                        "checkpoint-interval=1s"));
        kafka.createTopics(config.topics().names());
        client = SchemaRegistryClient.connect(config.schemaRegistry().settings());

        long base = Instant.now()
                .minus(Duration.ofHours(1))
                .truncatedTo(ChronoUnit.HOURS)
                .toEpochMilli();
        ObjectNode spec = JSON.createObjectNode()
                .put("registry", registry.url())
                .put("username", "quantwatch")
                .put("password", "s3cret-pw");
        ArrayNode batches = spec.putArray("batches");
        ArrayNode v1 = batch(batches, "acme-chat-log-value", CHAT_LOG_V1);
        ArrayNode v2 = batch(batches, "acme-chat-log-value", CHAT_LOG_V2);
        for (int i = 0; i < 4; i++) {
            chatLog(v1.addObject(), "v1-" + i, base + i);
            chatLog(v2.addObject(), "v2-" + i, base + 10 + i).put("region", "us");
        }
        ArrayNode prompts =
                batch(batches, "prompts-value", PromptEvent.getClassSchema().toString());
        for (int i = 0; i < 3; i++) {
            prompts.addObject()
                    .put("request_id", "pe-" + i)
                    .put("tenant", "beta")
                    .put("model", "quantwatch-demo")
                    .put("task", "qa")
                    .put("prompt", "The capital of France is")
                    .put("event_time", base + 20 + i)
                    .put("max_tokens", 8);
        }
        chatLog(batch(batches, "acme-chat-log-broken-value", CHAT_LOG_BROKEN).addObject(), "x", base + 30)
                .put("id", 42);
        List<byte[]> framed = produceWithNode(spec);
        broken = framed.get(framed.size() - 1);
        unknownId = ConfluentFraming.frame(2_000_000_000, new byte[] {4, 'a', 'b'});
        framed.add(unknownId);

        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] value : framed) {
                producer.send(new ProducerRecord<>(config.topics().prompts(), value))
                        .get();
            }
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
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void bothVersionsOfTheTeamsSchemaAndTheMonitorsOwnAreShadowedUnderTheirMappedIdentity() {
        List<ShadowRecord> records = readFramed(config.topics().shadowRecords(), ShadowRecord.class);

        assertThat(records.stream().map(ShadowRecord::getRequestId).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(
                        "v1-0", "v1-1", "v1-2", "v1-3", "v2-0", "v2-1", "v2-2", "v2-3", "pe-0", "pe-1", "pe-2");
        assertThat(records).allSatisfy(r -> {
            assertThat(r.getTenant()).isEqualTo(r.getRequestId().startsWith("pe-") ? "beta" : "acme");
            assertThat(r.getOutcome().toString()).isEqualTo("COMPARED");
        });
    }

    @Test
    void anUnknownIdAndAnIncompatibleWriterAreDeadLettersKeptWholeThatSayWhy() {
        List<DeadLetter> dead = readFramed(config.topics().deadLetters(), DeadLetter.class);

        assertThat(dead)
                .extracting(d -> d.getErrorClass())
                .containsExactlyInAnyOrder("UNKNOWN_SCHEMA_ID", "INCOMPATIBLE_SCHEMA");
        DeadLetter unknown = dead.stream()
                .filter(d -> d.getErrorClass().equals("UNKNOWN_SCHEMA_ID"))
                .findFirst()
                .orElseThrow();
        assertThat(unknown.getReason()).contains("no schema with id 2000000000");
        assertThat(bytes(unknown.getValue().duplicate())).isEqualTo(unknownId);
        DeadLetter incompatible = dead.stream()
                .filter(d -> d.getErrorClass().equals("INCOMPATIBLE_SCHEMA"))
                .findFirst()
                .orElseThrow();
        assertThat(incompatible.getReason()).contains("com.acme.ChatLog").contains("compatibl");
        assertThat(bytes(incompatible.getValue().duplicate())).isEqualTo(broken);
    }

    @Test
    void everyOutputIsFramedWithTheIdItsTopicsSubjectHolds() {
        for (String topic : List.of(
                config.topics().shadowRecords(),
                config.topics().metrics(),
                config.topics().deadLetters())) {
            List<ConsumerRecord<byte[], byte[]>> raw = raw(topic);
            assertThat(raw).as(topic).isNotEmpty();
            Schema registered =
                    client.schemaById(ConfluentFraming.schemaId(raw.get(0).value()));
            assertThat(raw)
                    .allSatisfy(r ->
                            assertThat(ConfluentFraming.isFramed(r.value())).isTrue());
            assertThat(client.lookup(topic + "-value", registered))
                    .isEqualTo(ConfluentFraming.schemaId(raw.get(0).value()));
        }
        assertThat(readFramed(config.topics().metrics(), DriftMetrics.class))
                .anySatisfy(m -> assertThat(m.getTenant()).isEqualTo("acme"));
    }

    private static ArrayNode batch(ArrayNode batches, String subject, String schema) throws IOException {
        ObjectNode b = batches.addObject().put("subject", subject);
        b.set("schema", JSON.readTree(schema));
        return b.putArray("records");
    }

    private static ObjectNode chatLog(ObjectNode r, String id, long ts) {
        return r.put("id", id)
                .put("org", "acme")
                .put("model_name", "quantwatch-demo")
                .put("ts", ts)
                .put("text", "The capital of France is");
    }

    /** Runs the Node producer (copied beside its node_modules) and returns the framed records it wrote. */
    private static List<byte[]> produceWithNode(JsonNode spec) throws Exception {
        Path npm = Path.of("target/npm").toAbsolutePath();
        Path script = npm.resolve("produce-framed.mjs");
        Files.copy(Path.of("src/test/node/produce-framed.mjs"), script, StandardCopyOption.REPLACE_EXISTING);
        ProcessBuilder pb = new ProcessBuilder("node", script.toString())
                .redirectError(dir.resolve("node.err").toFile());
        pb.environment()
                .put("NODE_EXTRA_CA_CERTS", certs.dir().resolve("ca.crt").toString());
        Process node = pb.start();
        node.getOutputStream().write(JSON.writeValueAsBytes(spec));
        node.getOutputStream().close();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(node.exitValue())
                .as("node: %s", Files.readString(dir.resolve("node.err")))
                .isZero();
        List<byte[]> framed = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            framed.add(HexFormat.of().parseHex(JSON.readTree(line).get("hex").asText()));
        }
        return framed;
    }

    private static List<ConsumerRecord<byte[], byte[]>> raw(String topic) {
        try (TopicReader<DeadLetter> r = new TopicReader<>(kafka.bootstrapServers(), topic, DeadLetter.class)) {
            return r.readRawToEnd();
        }
    }

    private static <T extends SpecificRecord> List<T> readFramed(String topic, Class<T> type) {
        return raw(topic).stream()
                .map(r -> {
                    try {
                        return FramedAvro.readSpecific(
                                r.value(), client.schemaById(ConfluentFraming.schemaId(r.value())), type);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .toList();
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
