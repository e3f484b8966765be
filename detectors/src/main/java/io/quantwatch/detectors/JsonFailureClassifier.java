package io.quantwatch.detectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.util.Set;

/**
 * Classifies a model's JSON output from structure, not from parser messages: {@link JsonSpanSearch} picks the
 * document among the plausible starts (so brackets in prose or a think block are not taken for it), and the
 * {@link JsonScanner}'s stop — complete, cut off in a given state, or broken by a given problem — decides the class:
 * valid, trailing comma, unbalanced brackets, truncation, text around the JSON or its code fence, invalid escape,
 * duplicate key, schema mismatch. Rules in docs/metrics.md. Immutable and thread-safe.
 */
public final class JsonFailureClassifier {
    /** Only for schema checks: the scanner has already accepted the text, so Jackson's limits are raised. */
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(100_000).build())
            .build());

    private final UntrustedJsonSchema schema;

    /** Without a schema: syntax and surroundings only. */
    public JsonFailureClassifier() {
        this.schema = null;
    }

    /** With a request's JSON Schema (draft 2020-12, compiled as {@link UntrustedJsonSchema}) the output must also satisfy. */
    public JsonFailureClassifier(String jsonSchema) {
        try {
            this.schema = UntrustedJsonSchema.compile(jsonSchema);
        } catch (InvalidJsonSchemaException e) {
            throw new IllegalArgumentException("the JSON Schema " + e.getMessage(), e);
        }
    }

    /**
     * @param output        the model's text
     * @param hitTokenLimit true when the decode ran out of tokens, which makes an unfinished value a truncation
     */
    public JsonVerdict classify(String output, boolean hitTokenLimit) {
        String text = output == null ? "" : output;
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1); // a byte-order mark is encoding, not prose
        }
        text = text.strip();
        if (text.isEmpty()) {
            return JsonVerdict.of(JsonFailure.EMPTY, "empty output");
        }
        JsonSpanSearch.Found found = JsonSpanSearch.find(text);
        if (found == null) {
            return scalarOrNoJson(text);
        }
        JsonScanner.Scan scan = found.scan();
        boolean unclosedFence = CodeFence.opensUnclosed(text, scan.start());
        switch (scan.stop()) {
            case ENDED -> {
                boolean valuesFinished = scan.where() == JsonScanner.Where.COMMA_OR_END;
                // A number at the very end has no terminator: it may itself be cut ("0" of "0.93"), so it counts as a
                // cut.
                boolean afterNumber = valuesFinished && Character.isDigit(text.charAt(text.length() - 1));
                if (hitTokenLimit || unclosedFence || afterNumber || !valuesFinished) {
                    return JsonVerdict.of(
                            JsonFailure.TRUNCATED,
                            "ends "
                                    + (afterNumber
                                            ? "right after a number"
                                            : scan.where().description()) + (hitTokenLimit ? " (token limit)" : ""));
                }
                return JsonVerdict.of(
                        JsonFailure.UNBALANCED_BRACKETS,
                        "every value finished, " + scan.depth() + " closing bracket(s) missing");
            }
            case ERROR -> {
                return syntaxFailure(text, scan);
            }
            default -> {
                return complete(text, scan);
            }
        }
    }

    private JsonVerdict complete(String text, JsonScanner.Scan scan) {
        String after = text.substring(scan.position());
        String afterTrim = after.stripLeading();
        if (!afterTrim.isEmpty() && (afterTrim.charAt(0) == '}' || afterTrim.charAt(0) == ']')) {
            return JsonVerdict.of(
                    JsonFailure.UNBALANCED_BRACKETS, "extra '" + afterTrim.charAt(0) + "' after the JSON value");
        }
        String before = CodeFence.stripOpening(text.substring(0, scan.start()));
        String rest = CodeFence.stripClosing(after);
        String document = text.substring(scan.start(), scan.position());
        if (!before.isBlank() || !rest.isBlank()) {
            return new JsonVerdict(
                    JsonFailure.TEXT_OUTSIDE_JSON,
                    !before.isBlank()
                            ? "text before the JSON: " + abbreviate(before.strip())
                            : "text after the JSON: " + abbreviate(rest.strip()),
                    document);
        }
        return checkSchema(document);
    }

    /** No object or array: a bare scalar is valid only when the request's schema allows one (see docs/metrics.md). */
    private JsonVerdict scalarOrNoJson(String text) {
        String body = CodeFence.unwrap(text).strip();
        if (!body.isEmpty()) {
            JsonScanner.Scan scan = new JsonScanner(body).scan(0);
            if (scan.stop() == JsonScanner.Stop.COMPLETE && scan.scalar() && scan.position() == body.length()) {
                if (schema == null) {
                    return JsonVerdict.of(
                            JsonFailure.NO_JSON,
                            "a bare scalar, not an object or array (the request has no schema allowing one)");
                }
                return checkSchema(body);
            }
        }
        return JsonVerdict.of(JsonFailure.NO_JSON, "no JSON object or array in the output");
    }

    /** {@code json} is a whole document the scanner accepted; the verdict carries it. */
    private JsonVerdict checkSchema(String json) {
        if (schema == null) {
            return new JsonVerdict(JsonFailure.NONE, "", json);
        }
        try {
            JsonNode node = MAPPER.readTree(json);
            Set<ValidationMessage> errors = schema.validate(node);
            if (!errors.isEmpty()) {
                return new JsonVerdict(
                        JsonFailure.SCHEMA_MISMATCH, errors.iterator().next().getMessage(), json);
            }
        } catch (IOException e) {
            // Valid JSON past Jackson's limits (e.g. a number of thousands of digits): it cannot be checked.
            return new JsonVerdict(
                    JsonFailure.SCHEMA_MISMATCH, "cannot be checked against the schema: " + e.getMessage(), json);
        } catch (StackOverflowError e) {
            // The schema validator recurses per level; a valid but very deep value cannot be checked against it.
            return new JsonVerdict(
                    JsonFailure.SCHEMA_MISMATCH, "nested too deeply to validate against the schema", json);
        } catch (UntrustedJsonSchema.RegexBudgetExceeded | JsonSchemaException e) {
            return new JsonVerdict(
                    JsonFailure.SCHEMA_MISMATCH, "cannot be checked against the schema: " + e.getMessage(), json);
        }
        return new JsonVerdict(JsonFailure.NONE, "", json);
    }

    private static JsonVerdict syntaxFailure(String text, JsonScanner.Scan scan) {
        String at = " at character " + scan.position() + " ('"
                + abbreviate(text.substring(scan.position(), Math.min(text.length(), scan.position() + 12))) + "')";
        return switch (scan.problem()) {
            case TRAILING_COMMA -> JsonVerdict.of(JsonFailure.TRAILING_COMMA, "comma before a closing bracket" + at);
            case MISMATCHED_CLOSER ->
                JsonVerdict.of(JsonFailure.UNBALANCED_BRACKETS, "closing bracket does not match the open one" + at);
            case BAD_ESCAPE -> JsonVerdict.of(JsonFailure.INVALID_ESCAPE, "backslash escape JSON does not allow" + at);
            case CONTROL_CHARACTER ->
                JsonVerdict.of(JsonFailure.INVALID_ESCAPE, "raw control character inside a string" + at);
            case DUPLICATE_KEY -> JsonVerdict.of(JsonFailure.DUPLICATE_KEY, "key repeated in one object" + at);
            default ->
                JsonVerdict.of(
                        JsonFailure.OTHER_SYNTAX,
                        scan.problem().name().toLowerCase().replace('_', ' ') + " (expecting "
                                + scan.where().name().toLowerCase().replace('_', ' ') + ")" + at);
        };
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
