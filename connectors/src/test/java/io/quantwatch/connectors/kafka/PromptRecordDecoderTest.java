package io.quantwatch.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.schemas.AlertState;
import io.quantwatch.schemas.DriftAlert;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ResponseFormat;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Both accepted encodings decode; every malformed record gets a reason that names the field and the fix. */
class PromptRecordDecoderTest {
    final PromptRecordDecoder decoder = new PromptRecordDecoder();

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static DecodedPrompt.Invalid invalid(DecodedPrompt d) {
        assertThat(d).isInstanceOf(DecodedPrompt.Invalid.class);
        return (DecodedPrompt.Invalid) d;
    }

    @Test
    void avroSingleObjectEncodingDecodes() throws Exception {
        PromptEvent e = PromptEvent.newBuilder()
                .setRequestId("r1")
                .setTenant("acme")
                .setModel("demo")
                .setPrompt("User: hi\nAssistant:")
                .setEventTime(Instant.ofEpochMilli(5))
                .setResponseFormat(ResponseFormat.JSON)
                .setMaxTokens(64)
                .build();
        DecodedPrompt d = decoder.decode(bytes(e.toByteBuffer()));
        assertThat(d).isEqualTo(new DecodedPrompt.Valid(e));
    }

    @Test
    void jsonOfTheSameShapeDecodes() {
        String json = """
                {"request_id": "r2", "tenant": "acme", "model": "demo", "prompt": "User: hi\\nAssistant:",
                 "event_time": "2026-11-27T14:00:00Z", "task": "tool_call", "response_format": "json",
                 "json_schema": {"type": "object"}, "sentences": 2, "max_tokens": 100, "stop": ["\\n\\n"]}""";
        DecodedPrompt d = decoder.decode(json.getBytes(StandardCharsets.UTF_8));
        assertThat(d).isInstanceOf(DecodedPrompt.Valid.class);
        PromptEvent e = ((DecodedPrompt.Valid) d).event();
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2026-11-27T14:00:00Z"));
        assertThat(e.getResponseFormat()).isEqualTo(ResponseFormat.JSON);
        assertThat(e.getJsonSchema()).isEqualTo("{\"type\":\"object\"}");
        assertThat(e.getStop()).containsExactly("\n\n");
        assertThat(e.getTask()).isEqualTo("tool_call");
        // Defaults apply to omitted optional fields.
        DecodedPrompt minimal = decoder.decode(
                "{\"request_id\":\"r\",\"tenant\":\"t\",\"model\":\"m\",\"prompt\":\"p\",\"event_time\":1}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(((DecodedPrompt.Valid) minimal).event().getMaxTokens()).isEqualTo(256);
        assertThat(((DecodedPrompt.Valid) minimal).event().getTask()).isEqualTo("unknown");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"tenant\":\"t\",\"model\":\"m\",\"prompt\":\"p\",\"event_time\":1}|'request_id' is missing",
                "{\"request_id\":7,\"tenant\":\"t\",\"model\":\"m\",\"prompt\":\"p\",\"event_time\":1}|'request_id' must be a string",
                "{\"request_id\":\"r\",\"tenant\":\"t\",\"model\":\"m\",\"prompt\":\"\",\"event_time\":1}|'prompt' is empty",
                "{\"request_id\":\"r\",\"tenant\":\"t\",\"model\":\"m\",\"prompt\":\"p\"}|'event_time' is missing",
                "{\"request_id\":\"r\",\"tenant\":\"t\",\"model\":\"m\",\"prompt\":\"p\",\"event_time\":\"yesterday\"}|ISO-8601",
                "{\"request_id\":\"r\",\"tenant\":\"t\",\"model\":\"m\",\"prompt\":\"p\",\"event_time\":1,\"max_tokens\":0}|'max_tokens' must be an integer from 1",
                "{\"request_id\":\"r\",\"tenant\":\"t\",\"model\":\"m\",\"prompt\":\"p\",\"event_time\":1,\"max_tokens\":\"10\"}|'max_tokens' must be an integer",
                "{\"request_id\":\"r\",\"tenant\":\"t\",\"model\":\"m\",\"prompt\":\"p\",\"event_time\":1,\"response_format\":\"xml\"}|'response_format' must be",
                "{\"request_id\":\"r\",\"tenant\":\"t\",\"model\":\"m\",\"prompt\":\"p\",\"event_time\":1,\"stop\":\"END\"}|'stop' must be an array",
                "{\"request_id\":\"r\",\"tenant\":\"t\",\"model\":\"m\",\"prompt\":\"p\",\"event_time\":1,\"json_schema\":\"{nope\"}|'json_schema' is not valid JSON",
                "{\"request_id\": \"r\", |invalid JSON at line 1",
                "hello world|neither Avro single-object encoding"
            })
    void malformedRecordsAreRejectedWithTheFieldAndTheFix(String record, String reason) {
        assertThat(invalid(decoder.decode(record.getBytes(StandardCharsets.UTF_8)))
                        .reason())
                .contains(reason);
    }

    @Test
    void emptyAndForeignAvroRecordsAreRejected() throws Exception {
        assertThat(invalid(decoder.decode(new byte[0])).errorKind()).isEqualTo("EMPTY");
        byte[] alert = bytes(DriftAlert.newBuilder()
                .setRule("r")
                .setMetric("m")
                .setState(AlertState.FIRING)
                .setModel("x")
                .setCandidate("c")
                .setTask("t")
                .setTenant("a")
                .setWindowEnd(Instant.EPOCH)
                .setValue(1)
                .setLower(1)
                .setUpper(1)
                .setThreshold(0.5)
                .setSamples(3)
                .build()
                .toByteBuffer());
        DecodedPrompt.Invalid i = invalid(decoder.decode(alert));
        assertThat(i.errorKind()).isEqualTo("UNKNOWN_SCHEMA");
        assertThat(i.reason()).contains("PromptEvent schema");
        byte[] corrupt = {(byte) 0xC3, 0x01, 1, 2, 3};
        assertThat(invalid(decoder.decode(corrupt)).errorKind()).isIn("CORRUPT_AVRO", "UNKNOWN_SCHEMA");
    }

    private static final String VALID =
            "{\"request_id\":\"r\",\"tenant\":\"t\",\"model\":\"m\",\"prompt\":\"p\",\"event_time\":1";

    private DecodedPrompt.Invalid decodeJson(String json) {
        return invalid(decoder.decode(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void poisonJsonBecomesADeadLetterReasonNotAnException() {
        assertThat(decodeJson(VALID + ",\"tenant\":\"other\"}").reason()).contains("Duplicate field 'tenant'");
        String deepSchema = "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000);
        DecodedPrompt.Invalid deep = decodeJson(VALID + ",\"json_schema\":" + deepSchema + "}");
        assertThat(deep.errorKind()).isEqualTo("INVALID_JSON");
        assertThat(deep.reason())
                .contains("nested deeper than 66 levels")
                .contains("json_schema")
                .contains("flatten");
        assertThat(decodeJson(VALID.replace("\"event_time\":1", "\"event_time\":18446744073709551617") + "}")
                        .reason())
                .startsWith("field 'event_time' must be epoch milliseconds");
        byte[] huge = (VALID + ",\"task\":\"" + "x".repeat(PromptRecordDecoder.MAX_RECORD_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(invalid(decoder.decode(huge)).errorKind()).isEqualTo("RECORD_TOO_LARGE");
    }

    @Test
    void requestSchemasAreCheckedAsUntrustedInput() {
        assertThat(decodeJson(VALID + ",\"json_schema\":{\"type\":\"string\",\"pattern\":\"([a-\"}}")
                        .reason())
                .startsWith("field 'json_schema' pattern \"([a-\" is not a valid regular expression");
        assertThat(decodeJson(VALID + ",\"json_schema\":{\"$ref\":\"http://127.0.0.1:18999/evil-schema.json\"}}")
                        .reason())
                .startsWith("field 'json_schema' $ref")
                .contains("only internal references");
        assertThat(decodeJson(VALID + ",\"json_schema\":{\"type\":\"nonsense\"}}")
                        .reason())
                .startsWith("field 'json_schema' is not a valid JSON Schema");
        assertThat(decoder.decode((VALID + ",\"json_schema\":{\"type\":\"object\",\"required\":[\"tool\"]}}")
                        .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DecodedPrompt.Valid.class);
    }

    @Test
    void avroHeadersClaimingHugeStringsOrArraysAreRefusedBeforeAllocating() throws Exception {
        byte[] header = Arrays.copyOf(
                bytes(PromptEvent.newBuilder()
                        .setRequestId("r")
                        .setTenant("t")
                        .setModel("m")
                        .setPrompt("p")
                        .setEventTime(Instant.EPOCH)
                        .build()
                        .toByteBuffer()),
                10); // C3 01 + fingerprint
        for (boolean arrayBomb : new boolean[] {false, true}) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(header);
            var enc = EncoderFactory.get().directBinaryEncoder(body, null);
            enc.writeString("r");
            enc.writeString("t");
            enc.writeString("m");
            enc.writeString("task");
            if (arrayBomb) {
                enc.writeString("p");
                enc.writeEnum(0);
                enc.writeIndex(0); // json_schema null
                enc.writeIndex(0); // sentences null
                enc.writeInt(256);
            }
            enc.writeLong(Integer.MAX_VALUE - 8); // a string length, or an array block count, with nothing behind it
            enc.flush();
            DecodedPrompt.Invalid bad = invalid(decoder.decode(body.toByteArray()));
            assertThat(bad.errorKind()).isEqualTo("CORRUPT_AVRO");
        }
    }

    @Test
    void aTenantOrTaskPosingAsTheRollUpOrTooLongIsRefusedNamingTheRule() {
        String template = """
                {"request_id": "r", "tenant": %s, "task": %s, "model": "demo", "prompt": "hi", "event_time": 1}""";
        for (String[] bad : new String[][] {
            {"\"*\"", "\"chat\"", "field 'tenant' is \"*\""},
            {"\"acme\"", "\"*\"", "field 'task' is \"*\""},
            {"\"" + "x".repeat(500_000) + "\"", "\"chat\"", "field 'tenant' is 500000 characters"}
        }) {
            DecodedPrompt.Invalid i =
                    invalid(decoder.decode(template.formatted(bad[0], bad[1]).getBytes(StandardCharsets.UTF_8)));
            assertThat(i.errorKind()).isEqualTo("INVALID_FIELD");
            assertThat(i.reason()).startsWith(bad[2]).contains("1 to 128 letters, digits");
        }
    }
}
