package io.quantwatch.detectors;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the JSON a tool call carries in a model family's native form, so it is judged as that JSON rather than as prose
 * around a fence: Qwen's and Hermes' {@code <tool_call>…</tool_call>} (several become a JSON array; an unclosed last one
 * runs to the end, so a cut call is classified as truncated), Llama 3.1's {@code <|python_tag|>} prefix and bare JSON
 * object, Mistral's {@code [TOOL_CALLS]} prefix. Text outside Qwen's wrappers (its reasoning, any content) is the
 * message's content, not the call's.
 */
public final class ToolCallForm {
    private static final Pattern WRAPPED = Pattern.compile("<tool_call>(.*?)(?:</tool_call>|\\z)", Pattern.DOTALL);
    private static final String PYTHON_TAG = "<|python_tag|>";
    private static final String MISTRAL = "[TOOL_CALLS]";

    private ToolCallForm() {}

    /** The JSON text of the call(s), or empty when the answer is not a tool call in a form known here. */
    public static Optional<String> carriedJson(String output) {
        if (output == null) {
            return Optional.empty();
        }
        String text = output.strip();
        if (text.contains("<tool_call>")) {
            List<String> calls = new ArrayList<>();
            Matcher m = WRAPPED.matcher(text);
            while (m.find()) {
                calls.add(m.group(1).strip());
            }
            return Optional.of(calls.size() == 1 ? calls.get(0) : "[" + String.join(", ", calls) + "]");
        }
        if (text.startsWith(PYTHON_TAG)) {
            return Optional.of(text.substring(PYTHON_TAG.length()).strip());
        }
        if (text.startsWith(MISTRAL)) {
            return Optional.of(text.substring(MISTRAL.length()).strip());
        }
        if (text.startsWith("{")) {
            return Optional.of(text);
        }
        return Optional.empty();
    }
}
