package io.quantwatch.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/**
 * A tokenizer_config.json with several named chat templates: the default renders plain conversations, {@code tool_use}
 * those that offer tools (as transformers chooses), and a name set in the configuration is used for every request.
 */
class NamedTemplatesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private static ChatTemplateSpec spec() throws Exception {
        return ChatTemplateSpec.fromTokenizerConfig("named", JSON.readTree("""
                {"bos_token": "<s>", "chat_template": [
                  {"name": "default", "template": "{{ bos_token }}D:{{ messages[-1].content }}"},
                  {"name": "tool_use", "template": "T:{{ tools | length }}:{{ messages[-1].content }}"},
                  {"name": "rag", "template": "R:{{ messages[-1].content }}"}]}
                """));
    }

    private static ChatRequest request(String json) throws Exception {
        return ChatRequestReader.read(JSON.readTree(json));
    }

    @Test
    void theDefaultRendersPlainConversationsAndToolUseThoseOfferingTools() throws Exception {
        ChatPromptRenderer r = new ChatPromptRenderer(spec());
        assertThat(r.render(request("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"), NOW))
                .isEqualTo("<s>D:hi");
        assertThat(r.render(
                        request("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                                + " \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]}"),
                        NOW))
                .isEqualTo("T:1:hi");
    }

    @Test
    void aConfiguredNameIsUsedForEveryRequestAndAnUnknownOneIsRefused() throws Exception {
        ChatPromptRenderer r = new ChatPromptRenderer(spec().choosing("rag"));
        assertThat(r.render(request("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"), NOW))
                .isEqualTo("R:hi");
        assertThatThrownBy(() -> spec().choosing("chatml"))
                .hasMessageContaining("chat.template-name: named has no template named 'chatml'")
                .hasMessageContaining("default, tool_use, rag");
    }
}
