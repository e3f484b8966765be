package io.quantwatch.connectors.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantwatch.chat.ChatPromptRenderer;
import io.quantwatch.chat.ChatTemplateSpec;
import io.quantwatch.engine.gguf.GgufFile;
import io.quantwatch.engine.gguf.GgufFormatException;
import io.quantwatch.engine.gguf.GgufValue;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads the chat template chat requests are rendered with, on the machine that renders them: the reference GGUF's
 * {@code tokenizer.chat_template} (with its BOS/EOS token texts), a Hugging Face {@code tokenizer_config.json}, or a
 * plain {@code .jinja} file.
 */
public final class ChatTemplateLoader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the template comes from ({@code template}: gguf or a file), and token overrides ("" = the source's). */
    public record Settings(
            String template, String templateName, String bosToken, String eosToken, String referenceModel)
            implements Serializable {}

    private ChatTemplateLoader() {}

    /**
     * The renderer, or why there is none (a GGUF without a chat template, a reference model or template file that cannot
     * be read here); the reason names the fix. Chat requests are then dead letters with that reason; the job, and every
     * templated prompt, go on. A named template that does not exist or a template that does not parse is refused
     * (ConfigValidation does so at start).
     */
    public static Result load(Settings s) {
        try {
            return read(s);
        } catch (UncheckedIOException | GgufFormatException e) {
            return new Result(
                    Optional.empty(),
                    "the chat template cannot be read here (" + e.getMessage()
                            + "): check chat.template, and that the file is present on every TaskManager");
        }
    }

    private static Result read(Settings s) {
        ChatTemplateSpec spec;
        if (s.template().equals("gguf")) {
            if (s.referenceModel() == null || !Files.isRegularFile(Path.of(s.referenceModel()))) {
                return new Result(
                        Optional.empty(),
                        "chat.template is gguf but the reference model "
                                + s.referenceModel()
                                + " is not here: set chat.template to a tokenizer_config.json or .jinja"
                                + " file");
            }
            try (GgufFile gguf = GgufFile.open(Path.of(s.referenceModel()))) {
                GgufValue t = gguf.metadata().get("tokenizer.chat_template");
                if (t == null) {
                    return new Result(
                            Optional.empty(),
                            "the reference model " + s.referenceModel()
                                    + " has no tokenizer.chat_template: set chat.template to the model's tokenizer_config.json"
                                    + " or a .jinja file");
                }
                List<?> tokens = gguf.metadata().containsKey("tokenizer.ggml.tokens")
                        ? gguf.metadata().get("tokenizer.ggml.tokens").asList()
                        : List.of();
                // llama.cpp's converter writes named templates as tokenizer.chat_template.NAME.
                Map<String, String> named = new LinkedHashMap<>();
                gguf.metadata().forEach((k, v) -> {
                    if (k.startsWith("tokenizer.chat_template.")) {
                        named.put(k.substring("tokenizer.chat_template.".length()), String.valueOf(v.value()));
                    }
                });
                spec = new ChatTemplateSpec(
                        "gguf",
                        String.valueOf(t.value()),
                        token(gguf, tokens, "tokenizer.ggml.bos_token_id"),
                        token(gguf, tokens, "tokenizer.ggml.eos_token_id"),
                        named);
            }
        } else {
            Path file = Path.of(s.template());
            try {
                if (file.getFileName().toString().endsWith(".json")) {
                    spec = ChatTemplateSpec.fromTokenizerConfig(file.toString(), JSON.readTree(file.toFile()));
                } else {
                    spec = new ChatTemplateSpec(file.toString(), Files.readString(file), null, null);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("chat.template: cannot read " + file.toAbsolutePath(), e);
            }
        }
        spec = new ChatTemplateSpec(
                        spec.name(),
                        spec.template(),
                        s.bosToken() == null || s.bosToken().isEmpty() ? spec.bosToken() : s.bosToken(),
                        s.eosToken() == null || s.eosToken().isEmpty() ? spec.eosToken() : s.eosToken(),
                        spec.named())
                .choosing(s.templateName());
        return new Result(Optional.of(new ChatPromptRenderer(spec)), "");
    }

    private static String token(GgufFile gguf, List<?> tokens, String key) {
        long id = gguf.longOr(key, -1);
        return id >= 0 && id < tokens.size() ? String.valueOf(tokens.get((int) id)) : null;
    }

    /** The renderer, or the reason there is none. */
    public record Result(Optional<ChatPromptRenderer> renderer, String unavailable) {
        /** No chat template configured (decoders built without one: tests, operator harnesses). */
        public static final Result NOT_CONFIGURED = new Result(
                Optional.empty(), "no chat template is configured: set chat.template (see the README, Chat requests)");
    }
}
