package io.quantwatch.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.chat.ChatTemplateLoader;
import io.quantwatch.schemas.CanonicalForm;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.SchemaPublication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records written by another language's Avro library are read: Apache Avro's Python 1.11 (Debian's python3-avro, which
 * .ci/run installs) writes a PromptEvent and a ChatRequestEvent as single-object records with the fingerprint of its
 * own canonical form, and the monitor decodes both. The published schemas (schemas/published) each parse on their own
 * in that library and are the schemas the monitor uses.
 */
class PythonAvroProducerTest {
    private static final Path ROOT =
            Path.of(System.getProperty("quantwatch.root", "..")).toAbsolutePath();
    private static final List<Schema> TOPICS = SchemaPublication.TOPIC_SCHEMAS;

    private static String python(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/python3"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new AssertionError("Debian's python3 and python3-avro run this test (.ci/run installs them)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("python3 %s: %s", args, err).isZero();
        return out;
    }

    @Test
    void aPromptEventWrittenByPythonAvroIsDecoded(@TempDir Path dir) throws Exception {
        Path record = dir.resolve("prompt.json");
        Files.writeString(record, """
                {"request_id": "py-1", "tenant": "acme", "model": "m", "task": "chat", "prompt": "User: hi\\nAssistant:",
                 "response_format": "JSON", "json_schema": null, "sentences": null, "max_tokens": 16, "stop": [],
                 "event_time": 1796631600000, "tools_json": null}
                """);
        byte[] bytes = HexFormat.of()
                .parseHex(python(
                        ROOT.resolve("connectors/src/test/python/write_single_object.py")
                                .toString(),
                        ROOT.resolve("schemas/published/PromptEvent.avsc").toString(),
                        record.toString()));
        DecodedPrompt d = new PromptRecordDecoder().decode(bytes);
        assertThat(d).as("%s", d).isInstanceOf(DecodedPrompt.Valid.class);
        PromptEvent e = ((DecodedPrompt.Valid) d).event();
        assertThat(e.getRequestId()).isEqualTo("py-1");
        assertThat(e.getEventTime()).isEqualTo(Instant.ofEpochMilli(1796631600000L));
        assertThat(e.getMaxTokens()).isEqualTo(16);
    }

    @Test
    void aChatRequestEventWrittenByPythonAvroIsRendered(@TempDir Path dir) throws Exception {
        Path record = dir.resolve("chat.json");
        Files.writeString(record, """
                {"request_id": "py-chat", "event_time": 1796631600000, "model": "m", "tenant": "acme",
                 "task": null, "messages": [{"role": "user", "content": "Hello there", "name": null,
                 "tool_call_id": null, "tool_calls": []}], "tools_json": null, "tool_choice": null,
                 "response_format": null, "json_schema": null, "max_tokens": null, "stop": [], "user": null,
                 "chat_template_kwargs_json": null}
                """);
        byte[] bytes = HexFormat.of()
                .parseHex(python(
                        ROOT.resolve("connectors/src/test/python/write_single_object.py")
                                .toString(),
                        ROOT.resolve("schemas/published/ChatRequestEvent.avsc").toString(),
                        record.toString()));
        PromptRecordDecoder decoder = new PromptRecordDecoder(ChatTemplateLoader.load(new ChatTemplateLoader.Settings(
                ROOT.resolve("models/quantwatch-demo.chat.jinja").toString(), "", "", "", "")));
        DecodedPrompt d = decoder.decode(bytes);
        assertThat(d).as("%s", d).isInstanceOf(DecodedPrompt.Valid.class);
        assertThat(((DecodedPrompt.Valid) d).event().getPrompt()).isEqualTo("User: Hello there\nAssistant:");
    }

    @Test
    void theCanonicalFormsAreJavasAndPythonsOwn() throws Exception {
        for (Schema s : TOPICS) {
            assertThat(CanonicalForm.of(s, false)).as(s.getName()).isEqualTo(SchemaNormalization.toParsingForm(s));
            String pythons = python(
                    "-c",
                    "import avro.schema,sys; sys.stdout.write(avro.schema.parse(open(sys.argv[1]).read()).canonical_form)",
                    ROOT.resolve("schemas/published/" + s.getName() + ".avsc").toString());
            assertThat(CanonicalForm.of(s, true)).as(s.getName()).isEqualTo(pythons);
        }
    }

    @Test
    void everyPublishedSchemaStandsAloneAndIsTheOneTheMonitorUses() throws Exception {
        for (Schema s : TOPICS) {
            Path published = ROOT.resolve("schemas/published/" + s.getName() + ".avsc");
            Schema parsed = new Schema.Parser().parse(published.toFile());
            assertThat(SchemaNormalization.toParsingForm(parsed))
                    .as("%s is the schema in use (regenerate with SchemaPublication)", published)
                    .isEqualTo(SchemaNormalization.toParsingForm(s));
            assertThat(Files.readString(published)).isEqualTo(SchemaPublication.portable(s) + "\n");
            python("-c", "import avro.schema,sys; avro.schema.parse(open(sys.argv[1]).read())", published.toString());
        }
    }
}
