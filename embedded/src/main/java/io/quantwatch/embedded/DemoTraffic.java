package io.quantwatch.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantwatch.connectors.kafka.AvroSingleObjectSerializer;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ResponseFormat;
import io.quantwatch.tasks.Check;
import io.quantwatch.tasks.TaskExample;
import io.quantwatch.tasks.TaskFamily;
import io.quantwatch.tasks.TaskGenerator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Production-like prompt traffic for the demo and the integration tests: the bundled model's four
 * task families (tool calls asking for JSON, constrained replies, translations, story
 * continuations) from three tenants, encoded as Avro single-object or, one in five, as JSON; and
 * malformed records of five kinds that must end in the dead-letter topic. Seeded: the same seed
 * gives the same records.
 */
public final class DemoTraffic {
    public static final String MODEL = "quantwatch-demo";
    private static final List<String> TENANTS = List.of("acme", "globex", "initech");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AvroSingleObjectSerializer<PromptEvent> AVRO =
            new AvroSingleObjectSerializer<>(PromptEvent.class);

    private final TaskGenerator tasks;
    private final Random random;
    private final int maxTokensCap;
    private long sequence;

    /** @param maxTokensCap the most tokens any generated request asks for (tests keep it small) */
    public DemoTraffic(long seed, int maxTokensCap) {
        this.tasks = TaskGenerator.heldOut(seed);
        this.random = new Random(seed);
        this.maxTokensCap = maxTokensCap;
    }

    /** The next prompt, stamped with {@code eventTime}. */
    public PromptEvent next(Instant eventTime) {
        double r = random.nextDouble();
        TaskFamily family = r < 0.4
                ? TaskFamily.TOOL_CALL
                : r < 0.65
                        ? TaskFamily.CONSTRAINED_REPLY
                        : r < 0.9 ? TaskFamily.TRANSLATION : TaskFamily.LONG_CONTINUATION;
        TaskExample t = tasks.next(family);
        sequence++;
        return PromptEvent.newBuilder()
                .setRequestId("req-" + sequence)
                .setTenant(TENANTS.get(random.nextInt(TENANTS.size())))
                .setModel(MODEL)
                .setTask(family.wireName())
                .setPrompt(t.prompt())
                .setResponseFormat(family == TaskFamily.TOOL_CALL ? ResponseFormat.JSON : ResponseFormat.TEXT)
                .setSentences(t.check() instanceof Check.SentenceCount s ? s.count() : null)
                .setMaxTokens(Math.min(maxTokensCap, family.maxTokens()))
                .setEventTime(eventTime)
                .build();
    }

    /** The record as the serving path would write it: Avro single-object, or JSON for one in five. */
    public static byte[] encode(PromptEvent e, boolean asJson) {
        if (asJson) {
            ObjectNode n = JSON.createObjectNode()
                    .put("request_id", e.getRequestId())
                    .put("tenant", e.getTenant())
                    .put("model", e.getModel())
                    .put("task", e.getTask())
                    .put("prompt", e.getPrompt())
                    .put("response_format", e.getResponseFormat().name().toLowerCase())
                    .put("max_tokens", e.getMaxTokens())
                    .put("event_time", e.getEventTime().toEpochMilli());
            if (e.getSentences() != null) {
                n.put("sentences", e.getSentences());
            }
            return n.toString().getBytes(StandardCharsets.UTF_8);
        }
        return AVRO.serialize(e);
    }

    /** Malformed record number {@code i} (five kinds, cycling), built around {@code valid}. */
    public static byte[] malformed(int i, PromptEvent valid) {
        byte[] avro = encode(valid, false);
        return switch (i % 5) {
            case 0 -> "this is not a prompt".getBytes(StandardCharsets.UTF_8);
            case 1 ->
                ("{\"request_id\": \"bad-" + i + "\", \"tenant\": \"acme\", \"model\": \"m\", \"event_time\": 1}")
                        .getBytes(StandardCharsets.UTF_8); // no prompt
            case 2 ->
                ("{\"request_id\": \"bad-" + i + "\", \"tenant\": \"acme\", \"model\": \"m\", \"prompt\": \"hi\", "
                                + "\"event_time\": 1, \"max_tokens\": -5}")
                        .getBytes(StandardCharsets.UTF_8);
            case 3 -> {
                byte[] wrongSchema = avro.clone();
                for (int k = 2; k < 10; k++) {
                    wrongSchema[k] = (byte) ~wrongSchema[k]; // fingerprint of no known schema
                }
                yield wrongSchema;
            }
            default -> Arrays.copyOf(avro, 14); // truncated body
        };
    }

    /**
     * Produces demo traffic to {@code topic} at {@code perSecond}, stamped with the current time (one record in
     * five as JSON, every 25th malformed), until {@code stop} opens. Runs on the calling thread.
     */
    public static void publishUntil(String bootstrap, String topic, double perSecond, CountDownLatch stop) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        DemoTraffic traffic = new DemoTraffic(System.currentTimeMillis(), 160);
        long periodNanos = (long) (1e9 / perSecond);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            long next = System.nanoTime();
            for (int i = 0; stop.getCount() > 0; i++) {
                PromptEvent e = traffic.next(Instant.now());
                byte[] key = e.getRequestId().getBytes(StandardCharsets.UTF_8);
                byte[] value = i % 25 == 24 ? malformed(i / 25, e) : encode(e, i % 5 == 0);
                producer.send(new ProducerRecord<>(topic, key, value));
                next += periodNanos;
                long sleep = next - System.nanoTime();
                if (sleep > 0 && stop.await(sleep, TimeUnit.NANOSECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
