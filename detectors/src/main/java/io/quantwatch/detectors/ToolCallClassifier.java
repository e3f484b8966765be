package io.quantwatch.detectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Judges answers to a request that offered tools: a tool call in the family's native form ({@link ToolCallForm}) is
 * classified as the JSON it carries — its syntax classes, then the called tool's existence and its arguments against
 * that tool's {@code parameters} schema ({@code SCHEMA_MISMATCH} naming the tool) — and keeps the call as the document,
 * so {@link JsonTreeDrift} compares tool, argument keys and values. An answer in prose is judged as any text.
 */
public final class ToolCallClassifier {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonFailureClassifier plain = new JsonFailureClassifier();
    /** Each offered tool's parameters, compiled as untrusted schemas; null when a tool declares none. */
    private final Map<String, JsonFailureClassifier> tools = new LinkedHashMap<>();

    /** From OpenAI's tools array as JSON text; a tool whose schema cannot be compiled accepts any arguments. */
    public ToolCallClassifier(String toolsJson) {
        JsonNode array;
        try {
            array = JSON.readTree(toolsJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tools is not JSON: " + e.getOriginalMessage(), e);
        }
        for (JsonNode tool : array) {
            JsonNode fn = tool.has("function") ? tool.get("function") : tool;
            String name = fn.path("name").asText("");
            if (name.isEmpty()) {
                continue;
            }
            JsonFailureClassifier args = null;
            if (fn.path("parameters").isObject()) {
                try {
                    args = new JsonFailureClassifier(fn.get("parameters").toString());
                } catch (IllegalArgumentException unusable) {
                    args = null; // the request's own schema is broken: the call is judged by its syntax alone
                }
            }
            tools.put(name, args);
        }
    }

    public JsonVerdict classify(String output, boolean hitTokenLimit) {
        var carried = ToolCallForm.carriedJson(output);
        if (carried.isEmpty()) {
            return plain.classify(output, hitTokenLimit);
        }
        JsonVerdict syntax = plain.classify(carried.get(), hitTokenLimit);
        if (!syntax.valid() || syntax.document() == null) {
            return syntax;
        }
        JsonNode doc;
        try {
            doc = JSON.readTree(syntax.document());
        } catch (JsonProcessingException e) {
            return syntax;
        }
        for (JsonNode call : doc.isArray() ? doc : JSON.createArrayNode().add(doc)) {
            String problem = problem(call);
            if (problem != null) {
                return new JsonVerdict(JsonFailure.SCHEMA_MISMATCH, problem, syntax.document());
            }
        }
        return syntax;
    }

    /** Why one call does not fit the tools offered, or null. */
    private String problem(JsonNode call) {
        JsonNode fn = call.path("function").isObject() ? call.get("function") : call;
        String name = fn.path("name").asText(null);
        if (name == null) {
            return "a tool call without a \"name\"";
        }
        if (!tools.containsKey(name)) {
            return "calls '" + name + "', which is not among the tools offered " + tools.keySet();
        }
        JsonNode args = fn.has("arguments") ? fn.get("arguments") : fn.get("parameters");
        if (args != null && args.isTextual()) {
            try {
                args = JSON.readTree(args.asText()); // OpenAI's own form: the arguments as JSON text
            } catch (JsonProcessingException e) {
                return "the arguments of '" + name + "' are text that is not JSON";
            }
        }
        if (args == null) {
            args = JSON.createObjectNode();
        }
        JsonFailureClassifier schema = tools.get(name);
        if (schema == null) {
            return null;
        }
        JsonVerdict v = schema.classify(args.toString(), false);
        return v.failure() == JsonFailure.SCHEMA_MISMATCH ? "the arguments of '" + name + "' " + v.detail() : null;
    }
}
