package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.embedded.TopicReader;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.DeadLetter;
import io.quantwatch.schemas.ShadowRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;
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
 * Chat-completion requests as teams log them, on a real broker through the whole job: rendered with the configured
 * chat template (the demo model's), shadowed and compared like templated prompts; a conversation the template refuses
 * is a dead letter with the template's message, and the job goes on.
 */
class ChatRequestsIntegrationTest {
    private static final int CHATS = 12;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static EmbeddedKafka kafka;
    private static MonitorConfig config;

    @BeforeAll
    static void runJobOverChatTraffic() throws Exception {
        kafka = EmbeddedKafka.start();
        Path root = Path.of(System.getProperty("quantwatch.root", ".")).toAbsolutePath();
        config = ConfigLoader.load(
                null,
                List.of(
                        "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "kafka.starting-offsets=earliest",
                        "reference.model=" + root.resolve("models/quantwatch-demo-f16.gguf"),
                        "chat.template=" + root.resolve("models/quantwatch-demo.chat.jinja"),
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
        Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.HOURS);
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < CHATS; i++) {
                String chat = """
                        {"request_id": "chat-%d", "event_time": %d, "task": "chat",
                         "request": {"model": "quantwatch-demo", "user": "acme",
                           "messages": [{"role": "system", "content": "Be brief."},
                                        {"role": "user", "content": "Tell me about topic number %d."}],
                           "max_tokens": 8, "temperature": 0.7}}
                        """.formatted(i, base.plusSeconds(i).toEpochMilli(), i);
                producer.send(new ProducerRecord<>(config.topics().prompts(), chat.getBytes(StandardCharsets.UTF_8)));
            }
            String refused = """
                    {"request_id": "chat-refused", "event_time": %d, "tenant": "acme", "model": "quantwatch-demo",
                     "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
                    """.formatted(base.plusSeconds(30).toEpochMilli());
            producer.send(new ProducerRecord<>(config.topics().prompts(), refused.getBytes(StandardCharsets.UTF_8)))
                    .get();
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

    private static <T extends SpecificRecord> List<T> read(String topic, Class<T> type) {
        try (TopicReader<T> r = new TopicReader<>(kafka.bootstrapServers(), topic, type)) {
            return r.readAll();
        }
    }

    @Test
    void everyChatRequestIsShadowedUnderItsOwnIdTenantAndTask() {
        List<ShadowRecord> records = read(config.topics().shadowRecords(), ShadowRecord.class);
        Set<String> ids = records.stream().map(ShadowRecord::getRequestId).collect(Collectors.toSet());
        assertThat(ids).hasSize(CHATS).allMatch(id -> id.startsWith("chat-")).doesNotContain("chat-refused");
        assertThat(records).allSatisfy(r -> {
            assertThat(r.getTenant()).isEqualTo("acme");
            assertThat(r.getTask()).isEqualTo("chat");
            // Decoded, shadowed and compared, like any templated prompt.
            assertThat(r.getOutcome().toString()).isEqualTo("COMPARED");
        });
    }

    @Test
    void aConversationTheTemplateRefusesIsADeadLetterWithTheTemplatesMessage() {
        List<DeadLetter> dead = read(config.topics().deadLetters(), DeadLetter.class);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getErrorClass()).isEqualTo("CHAT_TEMPLATE_ERROR");
        assertThat(dead.get(0).getReason())
                .contains("the last message must come from the user or a tool, got assistant");
    }
}
