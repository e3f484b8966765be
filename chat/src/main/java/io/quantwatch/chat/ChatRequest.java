package io.quantwatch.chat;

import java.util.List;
import java.util.Map;

/**
 * An OpenAI chat-completions request body as teams log it: the conversation ({@code messages}, with tool calls and tool
 * results), the tools offered and the choice among them, the response format (a JSON Schema for {@code json_schema}),
 * the generation limits, and who sent it. Messages and tools stay the JSON objects they were (maps and lists), because
 * chat templates read them as such.
 *
 * @param responseFormat  {@code text}, {@code json_object} or {@code json_schema}; null when absent
 * @param jsonSchema      the schema of a {@code json_schema} response format, as JSON text; else null
 * @param maxTokens       {@code max_completion_tokens}, else {@code max_tokens}; null when neither
 * @param tenant          {@code user}, else {@code metadata.tenant}; null when neither
 * @param templateKwargs  {@code chat_template_kwargs} (as vLLM accepts them, e.g. Qwen3's {@code enable_thinking})
 */
public record ChatRequest(
        String model,
        List<Map<String, Object>> messages,
        List<Map<String, Object>> tools,
        Object toolChoice,
        String responseFormat,
        String jsonSchema,
        Integer maxTokens,
        List<String> stop,
        String tenant,
        Map<String, Object> metadata,
        Map<String, Object> templateKwargs) {}
