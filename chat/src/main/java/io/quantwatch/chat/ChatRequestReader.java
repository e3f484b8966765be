package io.quantwatch.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an OpenAI chat-completions request body (a JSON object) into a {@link ChatRequest}, refusing what a chat
 * template cannot render with the field's path and the fix. Unknown fields are ignored (temperature, seed, …).
 */
public final class ChatRequestReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "ipython");

    private ChatRequestReader() {}

    /** Whether a JSON object looks like a chat request (it has {@code messages}) rather than a templated prompt. */
    public static boolean isChatRequest(JsonNode body) {
        return body != null && body.isObject() && body.has("messages");
    }

    public static ChatRequest read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new ChatRequestException("a chat request must be a JSON object with \"messages\"");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new ChatRequestException(
                    "field 'messages' must be a non-empty array of {\"role\", \"content\"} objects");
        }
        List<Map<String, Object>> msgs = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            msgs.add(message(messages.get(i), "messages[" + i + "]"));
        }
        List<Map<String, Object>> tools = null;
        JsonNode t = body.get("tools");
        if (t != null && !t.isNull()) {
            if (!t.isArray()) {
                throw new ChatRequestException(
                        "field 'tools' must be an array of {\"type\": \"function\", \"function\": {…}}");
            }
            tools = new ArrayList<>();
            for (int i = 0; i < t.size(); i++) {
                JsonNode tool = t.get(i);
                JsonNode fn = tool.path("function");
                if (!fn.path("name").isTextual() || fn.path("name").asText().isEmpty()) {
                    throw new ChatRequestException(
                            "field 'tools[" + i + "].function.name' is missing: every tool needs a function name");
                }
                tools.add(asMap(tool));
            }
            if (tools.isEmpty()) {
                tools = null;
            }
        }
        String format = null;
        String schema = null;
        JsonNode rf = body.get("response_format");
        if (rf != null && !rf.isNull()) {
            format = rf.path("type").asText("");
            switch (format) {
                case "text", "json_object" -> {}
                case "json_schema" -> {
                    JsonNode s = rf.path("json_schema").path("schema");
                    if (!s.isObject()) {
                        throw new ChatRequestException("field 'response_format.json_schema.schema' must be a JSON"
                                + " Schema object when response_format.type is json_schema");
                    }
                    schema = s.toString();
                }
                default ->
                    throw new ChatRequestException("field 'response_format.type' must be text, json_object or"
                            + " json_schema, got \"" + format + "\"");
            }
        }
        Integer maxTokens = integer(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = integer(body, "max_tokens");
        }
        List<String> stop = null;
        JsonNode s = body.get("stop");
        if (s != null && !s.isNull()) {
            stop = new ArrayList<>();
            if (s.isTextual()) {
                stop.add(s.asText());
            } else if (s.isArray()) {
                for (JsonNode x : s) {
                    if (!x.isTextual()) {
                        throw new ChatRequestException("field 'stop' must be a string or an array of strings");
                    }
                    stop.add(x.asText());
                }
            } else {
                throw new ChatRequestException("field 'stop' must be a string or an array of strings");
            }
        }
        Map<String, Object> metadata = body.path("metadata").isObject() ? asMap(body.get("metadata")) : Map.of();
        String tenant = body.path("user").isTextual() ? body.get("user").asText() : null;
        if (tenant == null && metadata.get("tenant") instanceof String mt) {
            tenant = mt;
        }
        Map<String, Object> kwargs =
                body.path("chat_template_kwargs").isObject() ? asMap(body.get("chat_template_kwargs")) : Map.of();
        return new ChatRequest(
                body.path("model").isTextual() ? body.get("model").asText() : null,
                msgs,
                tools,
                body.has("tool_choice") ? JSON.convertValue(body.get("tool_choice"), Object.class) : null,
                format,
                schema,
                maxTokens,
                stop,
                tenant,
                metadata,
                kwargs);
    }

    private static Map<String, Object> message(JsonNode m, String path) {
        if (!m.isObject()) {
            throw new ChatRequestException("field '" + path + "' must be an object with \"role\" and \"content\"");
        }
        String role = m.path("role").asText("");
        if (!ROLES.contains(role)) {
            throw new ChatRequestException(
                    "field '" + path + ".role' must be one of " + ROLES + ", got \"" + role + "\"");
        }
        JsonNode content = m.get("content");
        boolean hasToolCalls =
                m.path("tool_calls").isArray() && !m.get("tool_calls").isEmpty();
        if ((content == null || content.isNull()) && !hasToolCalls) {
            throw new ChatRequestException("field '" + path + ".content' is missing: only an assistant message with"
                    + " tool_calls may leave it out");
        }
        if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
            throw new ChatRequestException("field '" + path + ".content' must be a string or an array of parts");
        }
        return asMap(m);
    }

    private static Integer integer(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
            throw new ChatRequestException("field '" + field + "' must be a positive integer, got " + n);
        }
        return n.asInt();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(JsonNode n) {
        return JSON.convertValue(n, Map.class);
    }
}
