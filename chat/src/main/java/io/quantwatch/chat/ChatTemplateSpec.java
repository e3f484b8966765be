package io.quantwatch.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's chat template and the special tokens it reads ({@code bos_token}, {@code eos_token}), from a Hugging Face
 * {@code tokenizer_config.json} or a GGUF's {@code tokenizer.chat_template}; {@code named} holds the other named
 * templates a model may ship (such as {@code tool_use}, which transformers picks when tools are offered).
 */
public record ChatTemplateSpec(
        String name, String template, String bosToken, String eosToken, Map<String, String> named) {

    /** A single template. */
    public ChatTemplateSpec(String name, String template, String bosToken, String eosToken) {
        this(name, template, bosToken, eosToken, Map.of());
    }

    /** From a {@code tokenizer_config.json}: its {@code chat_template}, or its named templates ("default" first). */
    public static ChatTemplateSpec fromTokenizerConfig(String name, JsonNode config) {
        JsonNode t = config.get("chat_template");
        String template = null;
        Map<String, String> named = new LinkedHashMap<>();
        if (t != null && t.isTextual()) {
            template = t.asText();
        } else if (t != null && t.isArray()) {
            for (JsonNode n : t) {
                String key = n.path("name").asText();
                if (key.equals("default")) {
                    template = n.path("template").asText();
                } else if (!key.isEmpty()) {
                    named.put(key, n.path("template").asText());
                }
            }
        }
        if (template == null) {
            throw new IllegalArgumentException(name + ": tokenizer_config.json has no (default) chat_template");
        }
        return new ChatTemplateSpec(
                name, template, token(config.get("bos_token")), token(config.get("eos_token")), named);
    }

    /** This spec with {@code choice} as its template (a named one of {@link #named()}), or itself when blank. */
    public ChatTemplateSpec choosing(String choice) {
        if (choice == null || choice.isBlank() || choice.equals("default")) {
            return this;
        }
        String t = named.get(choice);
        if (t == null) {
            throw new IllegalArgumentException("chat.template-name: " + name + " has no template named '" + choice
                    + "' (it has default" + (named.isEmpty() ? "" : ", " + String.join(", ", named.keySet())) + ")");
        }
        return new ChatTemplateSpec(name + "#" + choice, t, bosToken, eosToken, Map.of());
    }

    /** A special token as tokenizer configs write it: a string, or {"content": "..."}. */
    private static String token(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isTextual() ? n.asText() : n.path("content").asText(null);
    }
}
