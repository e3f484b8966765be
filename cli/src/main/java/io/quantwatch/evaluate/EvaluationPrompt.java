package io.quantwatch.evaluate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantwatch.tasks.Check;
import io.quantwatch.tasks.TaskExample;
import io.quantwatch.tasks.TaskFamily;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a prompt file (JSON Lines): {@code {"id", "task", "prompt", "response_format", "json_schema", "sentences", "max_tokens"}}.
 * {@code response_format} is "json" when the caller asked for JSON, optionally with a JSON Schema the answer must satisfy;
 * {@code sentences} an "exactly N sentences" constraint. Only {@code prompt} is required.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationPrompt(
        String id,
        String task,
        String prompt,
        @JsonProperty("response_format") String responseFormat,
        @JsonProperty("json_schema") JsonNode jsonSchema,
        Integer sentences,
        @JsonProperty("max_tokens") Integer maxTokens) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public boolean jsonRequested() {
        return "json".equalsIgnoreCase(responseFormat);
    }

    /** The schema as text for the classifier, or null. */
    public String jsonSchemaText() {
        return jsonSchema == null || jsonSchema.isNull() ? null : jsonSchema.toString();
    }

    public int maxTokensOr(int fallback) {
        return maxTokens == null ? fallback : maxTokens;
    }

    /** Reads a JSONL file; a bad line is an error naming the file, the line and the field. */
    public static List<EvaluationPrompt> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the prompt file " + file, e);
        }
        List<EvaluationPrompt> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            EvaluationPrompt p;
            try {
                p = JSON.readValue(line, EvaluationPrompt.class);
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": not a prompt object: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            if (p.prompt() == null || p.prompt().isEmpty()) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": field 'prompt' is missing or empty");
            }
            if (p.maxTokens() != null && p.maxTokens() < 1) {
                throw new IllegalArgumentException(
                        file + " line " + (i + 1) + ": field 'max_tokens' must be at least 1, got " + p.maxTokens());
            }
            out.add(new EvaluationPrompt(
                    p.id() == null ? "line-" + (i + 1) : p.id(),
                    p.task() == null ? "unknown" : p.task(),
                    p.prompt(),
                    p.responseFormat(),
                    p.jsonSchema(),
                    p.sentences(),
                    p.maxTokens()));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no prompts");
        }
        return out;
    }

    public static void write(Path file, List<EvaluationPrompt> prompts) {
        try {
            List<String> lines = new ArrayList<>();
            for (EvaluationPrompt p : prompts) {
                lines.add(JSON.writeValueAsString(p));
            }
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A prompt-file line for a generated task. */
    public static EvaluationPrompt of(String id, TaskExample t, int maxTokens) {
        Integer sentences = t.check() instanceof Check.SentenceCount s ? s.count() : null;
        return new EvaluationPrompt(
                id,
                t.family().wireName(),
                t.prompt(),
                t.family() == TaskFamily.TOOL_CALL ? "json" : null,
                null,
                sentences,
                maxTokens);
    }
}
