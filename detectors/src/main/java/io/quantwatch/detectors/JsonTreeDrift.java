package io.quantwatch.detectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What changed between two outputs that both parse as JSON: the tool called (top-level {@code name}, {@code tool},
 * {@code tool_name} or {@code function.name}), argument keys added or removed, and leaf values changed — numbers
 * (with the largest relative error), strings and identifiers, booleans, and values whose type changed. Valid JSON
 * that says something else is the most dangerous drift for an agent: the JSON classes call it NONE.
 *
 * <p>Leaves are compared by path (object keys, array indices); the arguments are the object under {@code arguments},
 * {@code parameters}, {@code args} or {@code input} when there is one, else the whole document without the tool name.
 * At most {@link #MAX_LEAVES} leaves per side are compared.
 */
public record JsonTreeDrift(
        boolean compared,
        boolean toolChanged,
        int keysAdded,
        int keysRemoved,
        int leaves,
        int numbersChanged,
        int stringsChanged,
        int booleansChanged,
        int typesChanged,
        double maxNumberRelativeError)
        implements Serializable {
    static final int MAX_LEAVES = 10_000;
    public static final JsonTreeDrift NOT_COMPARED = new JsonTreeDrift(false, false, 0, 0, 0, 0, 0, 0, 0, 0);
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(1_000).build())
            .build());
    private static final List<String> TOOL_KEYS = List.of("name", "tool", "tool_name");
    private static final List<String> ARGUMENT_KEYS = List.of("arguments", "parameters", "args", "input");

    /** Argument keys were added or removed. */
    public boolean argumentsChanged() {
        return keysAdded + keysRemoved > 0;
    }

    /** A leaf both outputs have holds a different value. */
    public boolean valueChanged() {
        return numbersChanged + stringsChanged + booleansChanged + typesChanged > 0;
    }

    /** Both parsed, and the tool, the argument keys or a value differ: valid JSON that says something else. */
    public boolean saysSomethingElse() {
        return toolChanged || argumentsChanged() || valueChanged();
    }

    /**
     * @param reference the reference's JSON document, or null when it did not parse
     * @param candidate the candidate's, or null
     */
    public static JsonTreeDrift of(String reference, String candidate) {
        if (reference == null || candidate == null) {
            return NOT_COMPARED;
        }
        JsonNode ref;
        JsonNode cand;
        try {
            ref = MAPPER.readTree(reference);
            cand = MAPPER.readTree(candidate);
        } catch (IOException | RuntimeException e) {
            return NOT_COMPARED; // past Jackson's limits (nesting over 1 000 levels): classified, not compared
        }
        String refTool = toolName(ref);
        String candTool = toolName(cand);
        boolean toolChanged = !Objects.equals(refTool, candTool);
        Map<String, JsonNode> refLeaves = leaves(arguments(ref));
        Map<String, JsonNode> candLeaves = leaves(arguments(cand));
        int added = 0;
        int common = 0;
        int numbers = 0;
        int strings = 0;
        int booleans = 0;
        int types = 0;
        double maxError = 0;
        for (Map.Entry<String, JsonNode> e : candLeaves.entrySet()) {
            JsonNode r = refLeaves.get(e.getKey());
            if (r == null) {
                added++;
                continue;
            }
            common++;
            JsonNode c = e.getValue();
            if (r.getNodeType() != c.getNodeType()) {
                types++;
            } else if (r.isNumber()) {
                double a = r.doubleValue();
                double b = c.doubleValue();
                if (!r.equals(c) && a != b) {
                    numbers++;
                    double scale = Math.max(Math.abs(a), Math.abs(b));
                    maxError = Math.max(maxError, scale == 0 ? 0 : Math.abs(a - b) / scale);
                }
            } else if (r.isTextual()) {
                strings += r.textValue().equals(c.textValue()) ? 0 : 1;
            } else if (r.isBoolean()) {
                booleans += r.booleanValue() == c.booleanValue() ? 0 : 1;
            }
        }
        int removed = refLeaves.size() - common;
        return new JsonTreeDrift(
                true, toolChanged, added, removed, common, numbers, strings, booleans, types, maxError);
    }

    private static String toolName(JsonNode doc) {
        if (!doc.isObject()) {
            return null;
        }
        for (String k : TOOL_KEYS) {
            if (doc.path(k).isTextual()) {
                return doc.get(k).textValue();
            }
        }
        JsonNode function = doc.path("function");
        return function.path("name").isTextual() ? function.get("name").textValue() : null;
    }

    /** The arguments object, or the document without its tool name. */
    private static JsonNode arguments(JsonNode doc) {
        if (!doc.isObject()) {
            return doc;
        }
        JsonNode scope = doc.has("function") && doc.get("function").isObject() ? doc.get("function") : doc;
        for (String k : ARGUMENT_KEYS) {
            if (scope.has(k)) {
                return scope.get(k);
            }
        }
        ObjectNode copy = ((ObjectNode) doc).deepCopy();
        TOOL_KEYS.forEach(copy::remove);
        return copy;
    }

    /** Leaf values by path ({@code /points/0/1}); empty objects and arrays count as leaves. Iterative: no recursion. */
    private static Map<String, JsonNode> leaves(JsonNode root) {
        Map<String, JsonNode> out = new HashMap<>();
        Deque<Map.Entry<String, JsonNode>> todo = new ArrayDeque<>();
        todo.push(Map.entry("", root));
        while (!todo.isEmpty() && out.size() < MAX_LEAVES) {
            var e = todo.pop();
            JsonNode n = e.getValue();
            if (n.isContainerNode() && n.size() > 0) {
                if (n.isObject()) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                        var f = it.next();
                        todo.push(Map.entry(
                                e.getKey() + "/" + f.getKey().replace("~", "~0").replace("/", "~1"), f.getValue()));
                    }
                } else {
                    for (int i = 0; i < n.size(); i++) {
                        todo.push(Map.entry(e.getKey() + "/" + i, n.get(i)));
                    }
                }
            } else {
                out.put(e.getKey(), n);
            }
        }
        return out;
    }
}
