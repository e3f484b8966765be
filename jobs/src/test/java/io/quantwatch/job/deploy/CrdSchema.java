package io.quantwatch.job.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a resource against a CRD's structural OpenAPI v3 schema as the API server would refuse it, plus what it would
 * silently prune: every field declared (unless the schema keeps unknown fields), of the declared type, within its enum,
 * required fields present. Written by hand: the schema dialect is Kubernetes' structural subset, and its
 * {@code x-kubernetes-*} extensions decide what is unknown.
 */
final class CrdSchema {
    /** What every resource has beside its schema's fields (metadata is checked as Kubernetes' ObjectMeta). */
    private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

    private CrdSchema() {}

    static void check(JsonNode schema, JsonNode value, String path, List<String> problems) {
        String type = schema.path("type").asText("");
        boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean(false);
        if (!type.isEmpty() && !intOrString && !matches(type, value)) {
            problems.add((path.isEmpty() ? "/" : path) + ": " + describe(value) + " is not of type " + type);
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.path("enum")) {
                found |= e.equals(value);
            }
            if (!found) {
                problems.add(path + ": '" + value.asText() + "' is not one of the enum");
            }
        }
        for (JsonNode required : schema.path("required")) {
            if (value.isObject() && !value.has(required.asText())) {
                problems.add(path + "/" + required.asText() + ": required");
            }
        }
        if (value.isObject()) {
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            boolean keepsUnknown =
                    schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String at = path + "/" + field.getKey();
                if (path.isEmpty() && ROOT_FIELDS.contains(field.getKey()) && !properties.has(field.getKey())) {
                    continue; // every resource's own: the API server checks them, not the CRD's schema
                }
                if (properties.has(field.getKey())) {
                    check(properties.get(field.getKey()), field.getValue(), at, problems);
                } else if (additional.isObject()) {
                    check(additional, field.getValue(), at, problems);
                } else if (!keepsUnknown && !additional.asBoolean(false)) {
                    problems.add(at + ": not declared in the schema (the API server would drop it)");
                }
            }
        } else if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(schema.path("items"), value.get(i), path + "[" + i + "]", problems);
            }
        }
    }

    private static boolean matches(String type, JsonNode v) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber();
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            default -> true;
        };
    }

    private static String describe(JsonNode v) {
        return v.isTextual() ? "'" + v.asText() + "'" : v.toString();
    }
}
