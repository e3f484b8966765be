package io.quantwatch.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.chat.ChatTemplateLoader;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ResponseFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Whatever bytes arrive, the decoder answers with a prompt or a dead-letter reason: never an exception, never a huge allocation. */
class PromptRecordDecoderFuzzTest {
    private static final PromptRecordDecoder DECODER = new PromptRecordDecoder();
    private static final byte[] AVRO = new AvroSingleObjectSerializer<>(PromptEvent.class)
            .serialize(PromptEvent.newBuilder()
                    .setRequestId("req-1")
                    .setTenant("acme")
                    .setModel("m")
                    .setTask("tool_call")
                    .setPrompt("User: track PKG123\nAssistant:")
                    .setResponseFormat(ResponseFormat.JSON)
                    .setJsonSchema("{\"type\":\"object\"}")
                    .setStop(List.of("\n\n", "User:"))
                    .setEventTime(Instant.EPOCH)
                    .build());
    private static final byte[] JSON =
            ("{\"request_id\":\"r\",\"tenant\":\"t\",\"model\":\"m\",\"prompt\":\"p\",\"event_time\":1,"
                            + "\"json_schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"pattern\":\"^a+$\"}}},\"stop\":[\"x\"],\"max_tokens\":5}")
                    .getBytes(StandardCharsets.UTF_8);

    /** Chat requests are rendered by the demo template: mutations reach the reader, the mapping and the interpreter. */
    private static final PromptRecordDecoder CHAT_DECODER = new PromptRecordDecoder(
            ChatTemplateLoader.load(new ChatTemplateLoader.Settings(
                    Path.of(System.getProperty("quantwatch.root", ".."))
                            .resolve("models/quantwatch-demo.chat.jinja")
                            .toString(),
                    "",
                    "",
                    "",
                    "")),
            RecordMapping.load(new RecordMapping.Settings(Map.of("tenant", "/request/user"), List.of())));

    private static final byte[] CHAT_JSON = ("{\"request_id\":\"r\",\"event_time\":1,\"request\":{\"model\":\"m\","
                    + "\"user\":\"t\",\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\","
                    + "\"content\":\"hi {{ x }}\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\","
                    + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]},"
                    + "{\"role\":\"tool\",\"content\":\"ok\"}],\"tools\":[{\"type\":\"function\",\"function\":"
                    + "{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],\"response_format\":{\"type\":"
                    + "\"json_schema\",\"json_schema\":{\"schema\":{\"type\":\"object\"}}},\"max_tokens\":9,"
                    + "\"stop\":[\"x\"]}}")
            .getBytes(StandardCharsets.UTF_8);

    @Property(tries = 3_000)
    void mutatedChatRequestsRenderOrDeadLetter(@ForAll("chatMutations") byte[] value) {
        assertThat(CHAT_DECODER.decode(value)).isNotNull();
    }

    @Provide
    Arbitrary<byte[]> chatMutations() {
        return mutations(CHAT_JSON, 0);
    }

    @Property(tries = 2_000)
    void randomBytesDecodeOrDeadLetter(@ForAll("noise") byte[] value) {
        assertThat(DECODER.decode(value)).isNotNull();
    }

    @Property(tries = 3_000)
    void mutatedAvroDecodesOrDeadLetters(@ForAll("avroMutations") byte[] value) {
        assertThat(DECODER.decode(value)).isNotNull();
    }

    @Property(tries = 3_000)
    void mutatedJsonDecodesOrDeadLetters(@ForAll("jsonMutations") byte[] value) {
        assertThat(DECODER.decode(value)).isNotNull();
    }

    @Provide
    Arbitrary<byte[]> noise() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(256);
        // Random bodies behind the real header reach the Avro decoder instead of stopping at the format check.
        Arbitrary<byte[]> behindHeader = random.map(body -> {
            byte[] v = Arrays.copyOf(AVRO, 10 + body.length);
            System.arraycopy(body, 0, v, 10, body.length);
            return v;
        });
        return Arbitraries.oneOf(random, behindHeader);
    }

    @Provide
    Arbitrary<byte[]> avroMutations() {
        return mutations(AVRO, 10);
    }

    @Provide
    Arbitrary<byte[]> jsonMutations() {
        return mutations(JSON, 0);
    }

    /** Up to 8 bytes of {@code valid} overwritten (after {@code keep} bytes), possibly truncated. */
    private static Arbitrary<byte[]> mutations(byte[] valid, int keep) {
        Arbitrary<Integer> position = Arbitraries.integers().between(keep, valid.length - 1);
        Arbitrary<Tuple.Tuple2<Integer, Byte>> edit =
                position.flatMap(p -> Arbitraries.bytes().map(b -> Tuple.of(p, b)));
        return edit.list()
                .ofMaxSize(8)
                .flatMap(edits -> Arbitraries.integers()
                        .between(keep, valid.length)
                        .map(length -> {
                            byte[] v = valid.clone();
                            edits.forEach(e -> v[e.get1()] = e.get2());
                            return Arrays.copyOf(v, length);
                        }));
    }
}
