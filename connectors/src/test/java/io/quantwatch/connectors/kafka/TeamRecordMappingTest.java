package io.quantwatch.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.connectors.chat.ChatTemplateLoader;
import io.quantwatch.schemas.PromptEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team's own request log, in their field names, is read through input.fields (JSON Pointers) — as JSON and as
 * single-object Avro written with their schema — and what is missing or mistyped is refused naming the path in their
 * record.
 */
class TeamRecordMappingTest {
    private static final Path ROOT =
            Path.of(System.getProperty("quantwatch.root", "..")).toAbsolutePath();
    private static final ChatTemplateLoader.Result DEMO_TEMPLATE =
            ChatTemplateLoader.load(new ChatTemplateLoader.Settings(
                    ROOT.resolve("models/quantwatch-demo.chat.jinja").toString(), "", "", "", ""));
    private static final Map<String, String> FIELDS = Map.of(
            "request_id", "/meta/id",
            "event_time", "/meta/received_at",
            "tenant", "/customer/org",
            "task", "/route",
            "request", "/body");

    private static DecodedPrompt decode(PromptRecordDecoder d, String json) {
        return d.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTeamsChatLogIsReadThroughItsFieldPaths() {
        PromptRecordDecoder decoder = new PromptRecordDecoder(
                DEMO_TEMPLATE, RecordMapping.load(new RecordMapping.Settings(FIELDS, List.of())));
        DecodedPrompt d = decode(decoder, """
                {"meta": {"id": "log-77", "received_at": "2026-12-07T09:30:00Z"}, "customer": {"org": "initech"},
                 "route": "/v1/support", "body": {"model": "quantwatch-demo",
                   "messages": [{"role": "user", "content": "Reset my password"}], "max_tokens": 12}}
                """);
        assertThat(d).as("%s", d).isInstanceOf(DecodedPrompt.Valid.class);
        PromptEvent e = ((DecodedPrompt.Valid) d).event();
        assertThat(e.getRequestId()).isEqualTo("log-77");
        assertThat(e.getTenant()).isEqualTo("initech");
        assertThat(e.getTask()).isEqualTo("/v1/support");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2026-12-07T09:30:00Z"));
        assertThat(e.getPrompt()).isEqualTo("User: Reset my password\nAssistant:");
        assertThat(e.getMaxTokens()).isEqualTo(12);
    }

    @Test
    void aMissingOrMistypedMappedFieldNamesThePathInTheTeamsRecord() {
        PromptRecordDecoder decoder = new PromptRecordDecoder(
                DEMO_TEMPLATE, RecordMapping.load(new RecordMapping.Settings(FIELDS, List.of())));
        DecodedPrompt.Invalid missing = (DecodedPrompt.Invalid) decode(decoder, """
                {"meta": {"id": "log-78", "received_at": 1}, "customer": {},
                 "body": {"model": "m", "messages": [{"role": "user", "content": "hi"}]}}
                """);
        assertThat(missing.reason()).contains("field 'tenant' (read from /customer/org) is missing");

        PromptRecordDecoder prompts = new PromptRecordDecoder(
                DEMO_TEMPLATE,
                RecordMapping.load(new RecordMapping.Settings(
                        Map.of("request_id", "/id", "prompt", "/text", "event_time", "/ts", "tenant", "/org"),
                        List.of())));
        DecodedPrompt.Invalid mistyped = (DecodedPrompt.Invalid) decode(prompts, """
                {"id": 42, "text": "User: hi\\nAssistant:", "ts": 1, "org": "o", "model": "m"}
                """);
        assertThat(mistyped.reason()).contains("field 'request_id' (read from /id) must be a string");
    }

    @Test
    void aTeamsAvroRecordIsReadWithTheirSchemaAndMapped(@TempDir Path dir) throws Exception {
        String avsc = """
                {"type": "record", "name": "InferenceLog", "namespace": "com.initech.llm", "fields": [
                  {"name": "trace", "type": {"type": "record", "name": "Trace", "fields": [
                    {"name": "id", "type": "string"}, {"name": "at_ms", "type": "long"}]}},
                  {"name": "org", "type": "string"},
                  {"name": "served_model", "type": "string"},
                  {"name": "input_text", "type": "string"},
                  {"name": "limit", "type": ["null", "int"], "default": null}]}
                """;
        Path schemaFile = dir.resolve("inference-log.avsc");
        Files.writeString(schemaFile, avsc);
        Schema schema = new Schema.Parser().parse(avsc);
        GenericRecord trace = new GenericData.Record(schema.getField("trace").schema());
        trace.put("id", "tr-1");
        trace.put("at_ms", 1_796_631_600_000L);
        GenericRecord r = new GenericData.Record(schema);
        r.put("trace", trace);
        r.put("org", "initech");
        r.put("served_model", "quantwatch-demo");
        r.put("input_text", "User: hello\nAssistant:");
        r.put("limit", 20);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xC3, 0x01});
        out.write(ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(SchemaNormalization.parsingFingerprint64(schema))
                .array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(r, enc);
        enc.flush();

        PromptRecordDecoder decoder = new PromptRecordDecoder(
                DEMO_TEMPLATE,
                RecordMapping.load(new RecordMapping.Settings(
                        Map.of(
                                "request_id", "/trace/id",
                                "event_time", "/trace/at_ms",
                                "tenant", "/org",
                                "model", "/served_model",
                                "prompt", "/input_text",
                                "max_tokens", "/limit"),
                        List.of(schemaFile.toString()))));
        DecodedPrompt d = decoder.decode(out.toByteArray());
        assertThat(d).as("%s", d).isInstanceOf(DecodedPrompt.Valid.class);
        PromptEvent e = ((DecodedPrompt.Valid) d).event();
        assertThat(e.getRequestId()).isEqualTo("tr-1");
        assertThat(e.getTenant()).isEqualTo("initech");
        assertThat(e.getPrompt()).isEqualTo("User: hello\nAssistant:");
        assertThat(e.getMaxTokens()).isEqualTo(20);
        assertThat(e.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_796_631_600_000L));
    }

    @Test
    void aMappingToAnUnknownFieldOrABadPointerIsRefusedAtStart() {
        assertThatThrownBy(() -> RecordMapping.load(new RecordMapping.Settings(Map.of("tenat", "/org"), List.of())))
                .hasMessageContaining("input.fields.tenat: not a field the monitor reads");
        assertThatThrownBy(() -> RecordMapping.load(new RecordMapping.Settings(Map.of("tenant", "org"), List.of())))
                .hasMessageContaining("input.fields.tenant: 'org' is not a JSON Pointer");
    }
}
