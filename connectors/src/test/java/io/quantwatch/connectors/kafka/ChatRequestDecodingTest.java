package io.quantwatch.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.chat.ChatTemplateLoader;
import io.quantwatch.schemas.ChatMessage;
import io.quantwatch.schemas.ChatRequestEvent;
import io.quantwatch.schemas.ChatToolCall;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ResponseFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chat-completion request bodies on the prompts topic become prompts rendered with the configured chat template (here
 * the bundled demo model's), with the request's format, limits and stops; what cannot be rendered is a dead letter that
 * says why, with the template's own message when the template raised.
 */
class ChatRequestDecodingTest {
    private static final Path ROOT =
            Path.of(System.getProperty("quantwatch.root", "..")).toAbsolutePath();
    private static final PromptRecordDecoder DECODER =
            new PromptRecordDecoder(ChatTemplateLoader.load(new ChatTemplateLoader.Settings(
                    ROOT.resolve("models/quantwatch-demo.chat.jinja").toString(),
                    "",
                    "",
                    "",
                    ROOT.resolve("models/quantwatch-demo-f16.gguf").toString())));

    private static DecodedPrompt decode(PromptRecordDecoder d, String json) {
        return d.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static PromptEvent valid(DecodedPrompt d) {
        assertThat(d).isInstanceOf(DecodedPrompt.Valid.class);
        return ((DecodedPrompt.Valid) d).event();
    }

    private static DecodedPrompt.Invalid invalid(DecodedPrompt d) {
        assertThat(d).isInstanceOf(DecodedPrompt.Invalid.class);
        return (DecodedPrompt.Invalid) d;
    }

    @Test
    void aChatRequestIsRenderedWithTheTemplateAndKeepsItsFormatLimitsAndStops() {
        PromptEvent e = valid(decode(DECODER, """
                {"request_id": "r-1", "event_time": "2026-12-07T10:00:00Z", "task": "qa",
                 "model": "quantwatch-demo", "user": "acme",
                 "messages": [{"role": "system", "content": "Answer in JSON."},
                              {"role": "user", "content": "Is 97 prime?"}],
                 "response_format": {"type": "json_schema", "json_schema": {"name": "a",
                     "schema": {"type": "object", "properties": {"prime": {"type": "boolean"}}}}},
                 "max_completion_tokens": 40, "max_tokens": 99, "stop": "\\n\\n", "temperature": 0.2}
                """));
        assertThat(e.getPrompt()).isEqualTo("System: Answer in JSON.\nUser: Is 97 prime?\nAssistant:");
        assertThat(e.getRequestId()).isEqualTo("r-1");
        assertThat(e.getTenant()).isEqualTo("acme");
        assertThat(e.getTask()).isEqualTo("qa");
        assertThat(e.getModel()).isEqualTo("quantwatch-demo");
        assertThat(e.getEventTime()).isEqualTo(Instant.parse("2026-12-07T10:00:00Z"));
        assertThat(e.getResponseFormat()).isEqualTo(ResponseFormat.JSON);
        assertThat(e.getJsonSchema()).contains("\"prime\"");
        assertThat(e.getMaxTokens())
                .as("max_completion_tokens wins over max_tokens")
                .isEqualTo(40);
        assertThat(e.getStop()).containsExactly("\n\n");
    }

    @Test
    void aLoggedRequestNestedUnderRequestTakesItsIdsFromTheEnvelopeOrItsMetadata() {
        PromptEvent e = valid(decode(DECODER, """
                {"tenant": "globex",
                 "request": {"model": "quantwatch-demo", "created": 1796631600,
                   "metadata": {"request_id": "chatcmpl-9", "task": "tool_call"},
                   "messages": [{"role": "user", "content": "Weather in Paris?"},
                                {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
                                  "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]},
                                {"role": "tool", "tool_call_id": "c1", "content": "12C"}],
                   "tools": [{"type": "function", "function": {"name": "get_weather",
                     "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]}}
                """));
        assertThat(e.getRequestId()).isEqualTo("chatcmpl-9");
        assertThat(e.getTask()).isEqualTo("tool_call");
        assertThat(e.getEventTime()).isEqualTo(Instant.ofEpochSecond(1796631600));
        assertThat(e.getPrompt())
                .isEqualTo("User: Weather in Paris?\nAssistant: {\"name\": \"get_weather\", \"arguments\":"
                        + " {\"city\": \"Paris\"}}\nTool: 12C\nAssistant:");
    }

    @Test
    void aTemplateThatRaisesIsADeadLetterCarryingTheTemplatesMessage() {
        DecodedPrompt.Invalid d = invalid(decode(DECODER, """
                {"request_id": "r-2", "event_time": 1, "tenant": "t", "model": "m",
                 "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
                """));
        assertThat(d.errorKind()).isEqualTo("CHAT_TEMPLATE_ERROR");
        assertThat(d.reason())
                .contains("quantwatch-demo.chat.jinja")
                .contains("the last message must come from the user or a tool, got assistant");
    }

    @Test
    void badChatRequestsAreRefusedNamingTheField() {
        for (var c : List.of(
                new String[] {
                    "{\"event_time\": 1, \"tenant\": \"t\", \"model\": \"m\","
                            + " \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
                    "'request_id' is missing"
                },
                new String[] {
                    "{\"request_id\": \"r\", \"event_time\": 1, \"model\": \"m\","
                            + " \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
                    "'tenant' is missing"
                },
                new String[] {
                    "{\"request_id\": \"r\", \"event_time\": 1, \"tenant\": \"t\", \"model\": \"m\","
                            + " \"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}",
                    "'messages[0].role'"
                },
                new String[] {
                    "{\"request_id\": \"r\", \"event_time\": 1, \"tenant\": \"t\", \"model\": \"m\","
                            + " \"messages\": []}",
                    "'messages' must be a non-empty array"
                },
                new String[] {
                    "{\"request_id\": \"r\", \"event_time\": 1, \"tenant\": \"t\", \"request\": {\"model\":"
                            + " \"m\", \"messages\": [{\"role\": \"user\"}]}}",
                    "'request.messages[0].content'"
                },
                new String[] {
                    "{\"request_id\": \"r\", \"tenant\": \"t\", \"model\": \"m\","
                            + " \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
                    "'event_time' is missing"
                },
                new String[] {
                    "{\"request_id\": \"r\", \"event_time\": 1, \"tenant\": \"t\", \"model\": \"m\","
                            + " \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"response_format\":"
                            + " {\"type\": \"json_schema\"}}",
                    "'response_format.json_schema.schema'"
                })) {
            DecodedPrompt.Invalid d = invalid(decode(DECODER, c[0]));
            assertThat(d.errorKind()).as(c[0]).isEqualTo("INVALID_FIELD");
            assertThat(d.reason()).as(c[0]).contains(c[1]);
        }
    }

    @Test
    void withoutATemplateAChatRequestIsADeadLetterThatSaysHowToConfigureOne() {
        PromptRecordDecoder noTemplate =
                new PromptRecordDecoder(ChatTemplateLoader.load(new ChatTemplateLoader.Settings(
                        "gguf",
                        "",
                        "",
                        "",
                        ROOT.resolve("models/quantwatch-demo-f16.gguf").toString())));
        DecodedPrompt.Invalid d = invalid(decode(noTemplate, """
                {"request_id": "r", "event_time": 1, "tenant": "t", "model": "m",
                 "messages": [{"role": "user", "content": "hi"}]}
                """));
        assertThat(d.errorKind()).isEqualTo("CHAT_TEMPLATE_UNAVAILABLE");
        assertThat(d.reason()).contains("has no tokenizer.chat_template").contains("set chat.template");
    }

    @Test
    void theTemplatedPromptShapeStillDecodes() {
        PromptEvent e = valid(decode(DECODER, """
                {"request_id": "r", "event_time": 1, "tenant": "t", "model": "m", "prompt": "User: hi\\nAssistant:"}
                """));
        assertThat(e.getPrompt()).isEqualTo("User: hi\nAssistant:");
    }

    @Test
    void theAvroEquivalentDecodesToTheSamePromptAsTheJsonBody() {
        ChatRequestEvent avro = ChatRequestEvent.newBuilder()
                .setRequestId("chatcmpl-9")
                .setEventTime(Instant.ofEpochSecond(1796631600))
                .setModel("quantwatch-demo")
                .setTask("tool_call")
                .setUser("globex")
                .setMessages(List.of(
                        ChatMessage.newBuilder()
                                .setRole("user")
                                .setContent("Weather in Paris?")
                                .build(),
                        ChatMessage.newBuilder()
                                .setRole("assistant")
                                .setToolCalls(List.of(ChatToolCall.newBuilder()
                                        .setId("c1")
                                        .setName("get_weather")
                                        .setArguments("{\"city\": \"Paris\"}")
                                        .build()))
                                .build(),
                        ChatMessage.newBuilder()
                                .setRole("tool")
                                .setToolCallId("c1")
                                .setContent("12C")
                                .build()))
                .setToolsJson("[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}]")
                .setResponseFormat("json_schema")
                .setJsonSchema("{\"type\": \"object\"}")
                .setMaxTokens(24)
                .setStop(List.of("</s>"))
                .build();
        PromptEvent e = valid(DECODER.decode(new AvroSingleObjectSerializer<>(ChatRequestEvent.class).serialize(avro)));
        assertThat(e.getPrompt())
                .isEqualTo("User: Weather in Paris?\nAssistant: {\"name\": \"get_weather\", \"arguments\":"
                        + " {\"city\": \"Paris\"}}\nTool: 12C\nAssistant:");
        assertThat(e.getTenant()).isEqualTo("globex");
        assertThat(e.getTask()).isEqualTo("tool_call");
        assertThat(e.getResponseFormat()).isEqualTo(ResponseFormat.JSON);
        assertThat(e.getJsonSchema()).isEqualTo("{\"type\":\"object\"}");
        assertThat(e.getMaxTokens()).isEqualTo(24);
        assertThat(e.getStop()).containsExactly("</s>");

        ChatRequestEvent badTools =
                ChatRequestEvent.newBuilder(avro).setToolsJson("[{").build();
        DecodedPrompt.Invalid d =
                invalid(DECODER.decode(new AvroSingleObjectSerializer<>(ChatRequestEvent.class).serialize(badTools)));
        assertThat(d.errorKind()).isEqualTo("INVALID_FIELD");
        assertThat(d.reason()).contains("'tools_json' must hold JSON text");
    }

    @Test
    void aPromptEventWrittenWithTheSchemaBeforeToolsJsonStillDecodes() throws Exception {
        org.apache.avro.Schema v1 = io.quantwatch.schemas.PromptEventVersions.schema("PromptEvent-v1.avsc");
        org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericData.Record(v1);
        old.put("request_id", "old-1");
        old.put("tenant", "t");
        old.put("model", "m");
        old.put("task", "chat");
        old.put("prompt", "User: hi\nAssistant:");
        old.put(
                "response_format",
                new org.apache.avro.generic.GenericData.EnumSymbol(
                        v1.getField("response_format").schema(), "TEXT"));
        old.put("max_tokens", 8);
        old.put("stop", List.of());
        old.put("event_time", 1_000L);
        byte[] bytes = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                        org.apache.avro.generic.GenericData.get(), v1)
                .encode(old)
                .array();
        PromptEvent e = valid(DECODER.decode(bytes));
        assertThat(e.getRequestId()).isEqualTo("old-1");
        assertThat(e.getToolsJson()).isNull();
    }

    @Test
    void toolsOfferedTravelWithThePrompt() {
        PromptEvent e = valid(decode(DECODER, """
                {"request_id": "r-t", "event_time": 1, "tenant": "t", "model": "m",
                 "messages": [{"role": "user", "content": "Weather?"}],
                 "tools": [{"type": "function", "function": {"name": "get_weather",
                   "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]}
                """));
        assertThat(e.getToolsJson()).contains("\"get_weather\"").contains("\"parameters\"");
    }

    @Test
    void hostileConversationsAreRenderedOrRefusedNeverThrown() {
        String big = "x".repeat(400_000);
        PromptEvent large = valid(decode(
                DECODER,
                "{\"request_id\": \"big\", \"event_time\": 1, \"tenant\": \"t\","
                        + " \"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"" + big + "\"}]}"));
        assertThat(large.getPrompt()).hasSize(400_000 + "User: \nAssistant:".length());

        StringBuilder many = new StringBuilder("{\"request_id\": \"many\", \"event_time\": 1, \"tenant\": \"t\","
                + " \"model\": \"m\", \"messages\": [");
        for (int i = 0; i < 5_000; i++) {
            many.append("{\"role\": \"")
                    .append(i % 2 == 0 ? "user" : "assistant")
                    .append("\", \"content\": \"m")
                    .append(i)
                    .append("\"},");
        }
        many.append("{\"role\": \"user\", \"content\": \"last\"}]}");
        assertThat(valid(decode(DECODER, many.toString())).getPrompt()).endsWith("User: last\nAssistant:");

        String nested = "[".repeat(200) + "]".repeat(200);
        DecodedPrompt.Invalid deep = invalid(decode(
                DECODER,
                "{\"request_id\": \"deep\", \"event_time\": 1,"
                        + " \"tenant\": \"t\", \"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": "
                        + nested
                        + "}]}"));
        assertThat(deep.errorKind()).isEqualTo("INVALID_JSON");

        PromptEvent code = valid(decode(
                DECODER,
                "{\"request_id\": \"tpl\", \"event_time\": 1, \"tenant\": \"t\","
                        + " \"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\":"
                        + " \"{{ raise_exception('x') }}{% for i in range(99999999) %}{% endfor %}\"}]}"));
        assertThat(code.getPrompt())
                .as("message text is data, never template code")
                .isEqualTo("User: {{ raise_exception('x') }}{% for i in range(99999999) %}{% endfor %}\nAssistant:");
    }
}
