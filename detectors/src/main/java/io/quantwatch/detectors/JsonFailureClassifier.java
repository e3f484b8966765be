package io.quantwatch.detectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.util.Set;

/**
 * Classifies a model's JSON output with a real parser (Jackson's streaming parser with strict
 * duplicate detection): valid, or which failure — trailing comma, unbalanced brackets, truncation,
 * text around the JSON or its code fence, invalid escape, duplicate key, schema mismatch. Immutable
 * and thread-safe.
 */
public final class JsonFailureClassifier {
    /**
     * Deepest nesting classified as JSON. Jackson's default (1 000) would throw on valid deep outputs; the
     * streaming pass below is iterative, so depth costs only a small parser context per level.
     */
    static final int MAX_NESTING = 100_000;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

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
        String text = output == null ? "" : output.strip();
        if (text.isEmpty()) {
            return JsonVerdict.of(JsonFailure.EMPTY, "empty output");
        }
        String body = text;
        boolean proseOutside = false;
        int fence = text.indexOf("```");
        if (fence >= 0) {
            int lineEnd = text.indexOf('\n', fence);
            int contentStart = lineEnd < 0 ? text.length() : lineEnd + 1;
            int close = text.indexOf("```", contentStart);
            body = close < 0 ? text.substring(contentStart) : text.substring(contentStart, close);
            proseOutside = !text.substring(0, fence).isBlank() || (close >= 0 && !text.substring(close + 3).isBlank());
            if (close < 0) {
                hitTokenLimit = true; // an unclosed fence means the answer was cut off
            }
        }
        int start = firstBracket(body);
        if (start < 0) {
            return JsonVerdict.of(JsonFailure.NO_JSON, "no '{' or '[' in the output");
        }
        proseOutside |= !body.substring(0, start).isBlank();
        String json = body.substring(start);
        int end;
        try (JsonParser p = FACTORY.createParser(json)) {
            int depth = 0;
            JsonToken t;
            do {
                t = p.nextToken();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                }
            } while (depth > 0);
            end = (int) p.currentLocation().getCharOffset();
        } catch (JsonProcessingException e) {
            return syntaxFailure(json, e, hitTokenLimit);
        } catch (IOException e) {
            return JsonVerdict.of(JsonFailure.OTHER_SYNTAX, e.getMessage());
        }
        String rest = json.substring(Math.min(end, json.length())).strip();
        if (!rest.isEmpty()) {
            if (rest.charAt(0) == '}' || rest.charAt(0) == ']') {
                return JsonVerdict.of(JsonFailure.UNBALANCED_BRACKETS, "extra '" + rest.charAt(0) + "' after the JSON value");
            }
            return JsonVerdict.of(JsonFailure.TEXT_OUTSIDE_JSON, "text after the JSON: " + abbreviate(rest));
        }
        if (proseOutside) {
            return JsonVerdict.of(JsonFailure.TEXT_OUTSIDE_JSON, fence >= 0 ? "text around the code fence" : "text before the JSON");
        }
        if (schema != null) {
            try {
                JsonNode node = MAPPER.readTree(json);
                Set<ValidationMessage> errors = schema.validate(node);
                if (!errors.isEmpty()) {
                    return JsonVerdict.of(JsonFailure.SCHEMA_MISMATCH, errors.iterator().next().getMessage());
                }
            } catch (IOException e) {
                return JsonVerdict.of(JsonFailure.OTHER_SYNTAX, e.getMessage());
            } catch (StackOverflowError e) {
                // The schema validator recurses per level; a valid but very deep value cannot be checked against it.
                return JsonVerdict.of(JsonFailure.SCHEMA_MISMATCH, "nested too deeply to validate against the schema");
            } catch (UntrustedJsonSchema.RegexBudgetExceeded | com.networknt.schema.JsonSchemaException e) {
                return JsonVerdict.of(JsonFailure.SCHEMA_MISMATCH, "cannot be checked against the schema: " + e.getMessage());
            }
        }
        return JsonVerdict.of(JsonFailure.NONE, "");
    }

    private static int firstBracket(String s) {
        int brace = s.indexOf('{');
        int bracket = s.indexOf('[');
        if (brace < 0) {
            return bracket;
        }
        return bracket < 0 ? brace : Math.min(brace, bracket);
    }

    private static JsonVerdict syntaxFailure(String json, JsonProcessingException e, boolean hitTokenLimit) {
        String message = String.valueOf(e.getOriginalMessage());
        if (e instanceof StreamConstraintsException) {
            // Past a parser limit (nesting, number or string length); Jackson gives no location for these.
            return JsonVerdict.of(hitTokenLimit ? JsonFailure.TRUNCATED : JsonFailure.OTHER_SYNTAX, message);
        }
        if (message.contains("Duplicate field")) {
            return JsonVerdict.of(JsonFailure.DUPLICATE_KEY, message);
        }
        if (message.contains("Unrecognized character escape") || message.contains("Illegal unquoted character")) {
            return JsonVerdict.of(JsonFailure.INVALID_ESCAPE, message);
        }
        if (e instanceof JsonEOFException || message.contains("end-of-input")) {
            if (hitTokenLimit) {
                return JsonVerdict.of(JsonFailure.TRUNCATED, "cut off by the token limit");
            }
            char last = lastNonSpace(json, json.length());
            boolean valueComplete = last == '}' || last == ']' || last == '"' || Character.isDigit(last) || last == 'e' || last == 'l';
            boolean insideString = message.contains("VALUE_STRING") || message.contains("String value") || message.contains("name");
            if (valueComplete && !insideString) {
                return JsonVerdict.of(JsonFailure.UNBALANCED_BRACKETS, "missing closing bracket at the end");
            }
            return JsonVerdict.of(JsonFailure.TRUNCATED, "ends inside a value");
        }
        if (message.contains("Unexpected close marker")) {
            return JsonVerdict.of(JsonFailure.UNBALANCED_BRACKETS, message);
        }
        if (e.getLocation() == null) {
            return JsonVerdict.of(JsonFailure.OTHER_SYNTAX, message);
        }
        int offset = (int) Math.min(json.length(), Math.max(0, e.getLocation().getCharOffset()));
        // Jackson reports the offending closer at or just before the offset; a comma before it is a trailing comma.
        for (int i = Math.min(offset, json.length() - 1); i >= Math.max(0, offset - 2); i--) {
            char c = json.charAt(i);
            if ((c == '}' || c == ']') && lastNonSpace(json, i) == ',') {
                return JsonVerdict.of(JsonFailure.TRAILING_COMMA, "comma before '" + c + "'");
            }
        }
        return JsonVerdict.of(JsonFailure.OTHER_SYNTAX, message);
    }

    /** The last non-whitespace character before index {@code end}, or 0. */
    private static char lastNonSpace(String s, int end) {
        for (int i = end - 1; i >= 0; i--) {
            if (!Character.isWhitespace(s.charAt(i))) {
                return s.charAt(i);
            }
        }
        return 0;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }
}
