package io.quantwatch.tasks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.regex.Pattern;

/** What a correct answer to a task must satisfy; each check judges one model output. */
public sealed interface Check {

    /**
     * The verdict on one output: whether it kept the task's constraint (format), whether its content is
     * also right, and the reason when either fails. For tasks judged on content alone both agree.
     */
    record Result(boolean satisfied, boolean correct, String reason) {
        static Result ok() {
            return new Result(true, true, "");
        }

        static Result fail(String reason) {
            return new Result(false, false, reason);
        }

        /** The format was kept but the content is wrong (e.g. the bare value, but not the right one). */
        static Result wrongContent(String reason) {
            return new Result(true, false, reason);
        }
    }

    Result evaluate(String output);

    /** Output must be one JSON object calling {@code tool} with exactly these arguments. */
    record ToolCall(String tool, JsonNode arguments) implements Check {
        private static final ObjectMapper JSON = new ObjectMapper()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

        @Override
        public Result evaluate(String output) {
            JsonNode node;
            try {
                node = JSON.readTree(output.strip());
            } catch (Exception e) {
                return Result.fail(
                        "invalid JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (node == null || !node.isObject()) {
                return Result.fail("not a JSON object");
            }
            if (!tool.equals(node.path("tool").asText(null))) {
                return Result.fail("wrong tool: " + node.path("tool"));
            }
            return arguments.equals(node.path("arguments")) ? Result.ok() : Result.fail("wrong arguments");
        }
    }

    /** Output must hold exactly {@code count} sentences. */
    record SentenceCount(int count) implements Check {
        private static final Pattern END = Pattern.compile("[.!?](\\s|$)");

        @Override
        public Result evaluate(String output) {
            String text = output.strip();
            long n = END.matcher(text).results().count();
            boolean endsClean = text.endsWith(".") || text.endsWith("!") || text.endsWith("?");
            return n == count && endsClean ? Result.ok() : Result.fail(n + " sentences, expected " + count);
        }
    }

    /** Output must be the bare value and nothing else: a single word or number, no sentence around it. */
    record ValueOnly(String value) implements Check {
        @Override
        public Result evaluate(String output) {
            String text = output.strip();
            if (text.equals(value)) {
                return Result.ok();
            }
            if (text.isEmpty() || text.contains(" ") || text.contains("\n") || text.endsWith(".")) {
                return Result.fail(text.contains(value) ? "value wrapped in other text" : "not a bare value");
            }
            return Result.wrongContent("a bare value, but the wrong one");
        }
    }

    /** Output must be a numbered list of exactly {@code count} items. */
    record ItemCount(int count) implements Check {
        @Override
        public Result evaluate(String output) {
            String[] lines = output.strip().split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].startsWith((i + 1) + ". ")) {
                    return Result.fail("line " + (i + 1) + " is not item " + (i + 1));
                }
            }
            return lines.length == count ? Result.ok() : Result.fail(lines.length + " items, expected " + count);
        }
    }

    /** Output must equal the reference exactly (translation). */
    record ExactText(String text) implements Check {
        @Override
        public Result evaluate(String output) {
            return output.strip().equals(text) ? Result.ok() : Result.fail("differs from the reference");
        }
    }

    /** A continuation: judged by length only; drift is measured against the reference elsewhere. */
    record Continuation(int minWords) implements Check {
        @Override
        public Result evaluate(String output) {
            int words = output.strip().isEmpty() ? 0 : output.strip().split("\\s+").length;
            return words >= minWords ? Result.ok() : Result.fail(words + " words, expected at least " + minWords);
        }
    }
}
