package io.quantwatch.chat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A model's chat template and the special tokens it reads ({@code bos_token}, {@code eos_token}), from a Hugging Face
 * {@code tokenizer_config.json} or a GGUF's {@code tokenizer.chat_template}.
 */
public record ChatTemplateSpec(String name, String template, String bosToken, String eosToken) {

    /** From a {@code tokenizer_config.json}: its {@code chat_template} (the default one when it holds several). */
    public static ChatTemplateSpec fromTokenizerConfig(String name, JsonNode config) {
        JsonNode t = config.get("chat_template");
        String template = null;
        if (t != null && t.isTextual()) {
            template = t.asText();
        } else if (t != null && t.isArray()) {
            for (JsonNode named : t) {
                if (named.path("name").asText().equals("default")) {
                    template = named.path("template").asText();
                }
            }
        }
        if (template == null) {
            throw new IllegalArgumentException(name + ": tokenizer_config.json has no chat_template");
        }
        return new ChatTemplateSpec(name, template, token(config.get("bos_token")), token(config.get("eos_token")));
    }

    /** A special token as tokenizer configs write it: a string, or {"content": "..."}. */
    private static String token(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isTextual() ? n.asText() : n.path("content").asText(null);
    }
}
