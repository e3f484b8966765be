package io.quantwatch.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantwatch.chat.jinja.JinjaTemplate;
import io.quantwatch.chat.jinja.TemplateException;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a chat request into the prompt the model sees, with the model's own chat template: the messages, the tools (when
 * offered), {@code add_generation_prompt}, the special tokens and any {@code chat_template_kwargs}. Tool-call arguments
 * that arrive as JSON text (OpenAI's form) are passed as objects, as serving stacks do before rendering, because
 * templates write them with {@code tojson}. Thread-safe; the template is parsed once.
 */
public final class ChatPromptRenderer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChatTemplateSpec spec;
    private final JinjaTemplate template;
    /** The model's {@code tool_use} template, used (as transformers does) when a request offers tools; else null. */
    private final JinjaTemplate toolUse;

    public ChatPromptRenderer(ChatTemplateSpec spec) {
        this.spec = spec;
        this.template = JinjaTemplate.parse(spec.template());
        String tools = spec.named().get("tool_use");
        this.toolUse = tools == null ? null : JinjaTemplate.parse(tools);
    }

    public ChatTemplateSpec spec() {
        return spec;
    }

    /**
     * The prompt; {@code now} is the time {@code strftime_now} sees (the request's own time, so that the date a
     * template writes is the one the served model saw). A template that raises throws {@link TemplateException}.
     */
    public String render(ChatRequest request, ZonedDateTime now) {
        JinjaTemplate t = request.tools() != null && toolUse != null ? toolUse : template;
        return t.render(variables(request, spec), now);
    }

    /** What a template is rendered with, for this request. */
    public static Map<String, Object> variables(ChatRequest request, ChatTemplateSpec spec) {
        Map<String, Object> v = new HashMap<>(request.templateKwargs());
        List<Object> messages = new ArrayList<>();
        for (Map<String, Object> m : request.messages()) {
            messages.add(withParsedArguments(m));
        }
        v.put("messages", messages);
        if (request.tools() != null) {
            v.put("tools", request.tools());
        }
        v.put("add_generation_prompt", true);
        if (spec.bosToken() != null) {
            v.put("bos_token", spec.bosToken());
        }
        if (spec.eosToken() != null) {
            v.put("eos_token", spec.eosToken());
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withParsedArguments(Map<String, Object> message) {
        if (!(message.get("tool_calls") instanceof List<?> calls)) {
            return message;
        }
        Map<String, Object> copy = new LinkedHashMap<>(message);
        List<Object> parsed = new ArrayList<>();
        for (Object call : calls) {
            if (call instanceof Map<?, ?> c
                    && c.get("function") instanceof Map<?, ?> fn
                    && fn.get("arguments") instanceof String text) {
                Map<String, Object> f = new LinkedHashMap<>((Map<String, Object>) fn);
                try {
                    f.put("arguments", JSON.readValue(text, Object.class));
                } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
                    // Left as the text it is: the template writes it as it came.
                }
                Map<String, Object> cc = new LinkedHashMap<>((Map<String, Object>) c);
                cc.put("function", f);
                parsed.add(cc);
            } else {
                parsed.add(call);
            }
        }
        copy.put("tool_calls", parsed);
        return copy;
    }
}
