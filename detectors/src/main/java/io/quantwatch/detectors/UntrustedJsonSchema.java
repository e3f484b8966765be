package io.quantwatch.detectors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.resource.ClasspathSchemaLoader;
import com.networknt.schema.resource.InputStreamSource;
import com.networknt.schema.resource.SchemaLoader;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A JSON Schema that came with a production request, compiled so that it can reach nothing and cost little:
 * only internal references ({@code #/…}), only the draft 2020-12 meta-schema (served from the validator's own
 * jar, never fetched), at most {@value #MAX_CHARS} characters and {@value #MAX_DEPTH} levels, valid against the
 * meta-schema, every regex compiled up front and matched under a step budget. Immutable and thread-safe.
 */
public final class UntrustedJsonSchema {
    public static final int MAX_CHARS = 64 * 1024;
    public static final int MAX_DEPTH = 64;
    /** Characters a regex may read while matching one value: catastrophic backtracking stops here. */
    public static final long REGEX_STEPS = 1_000_000;

    private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build());
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            b -> b.schemaLoaders(loaders -> loaders.values(list -> {
                list.clear();
                list.add(new BundledMetaSchemasOnly());
            })));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .regularExpressionFactory(BudgetedRegex::new)
            .build();
    private static final JsonSchema META = FACTORY.getSchema(SchemaLocation.of(DRAFT_2020_12), CONFIG);

    private final JsonSchema schema;

    private UntrustedJsonSchema(JsonSchema schema) {
        this.schema = schema;
    }

    /** Compiles {@code text}, or says why it cannot be used. */
    public static UntrustedJsonSchema compile(String text) throws InvalidJsonSchemaException {
        if (text.length() > MAX_CHARS) {
            throw new InvalidJsonSchemaException(
                    "is " + text.length() + " characters; at most " + MAX_CHARS + " are accepted");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidJsonSchemaException(
                    "is not valid JSON or nests deeper than " + MAX_DEPTH + " levels: " + e.getOriginalMessage());
        }
        if (node == null || !(node.isObject() || node.isBoolean())) {
            throw new InvalidJsonSchemaException("must be a JSON object (or true/false)");
        }
        checkReferencesAndPatterns(node);
        try {
            Set<ValidationMessage> problems = META.validate(node);
            if (!problems.isEmpty()) {
                throw new InvalidJsonSchemaException("is not a valid JSON Schema (draft 2020-12): "
                        + problems.iterator().next().getMessage());
            }
            return new UntrustedJsonSchema(FACTORY.getSchema(node, CONFIG));
        } catch (JsonSchemaException | RegexBudgetExceeded e) {
            throw new InvalidJsonSchemaException("cannot be compiled: " + e.getMessage());
        }
    }

    /** The output's violations; throws {@link RegexBudgetExceeded} when a pattern exceeds its step budget. */
    public Set<ValidationMessage> validate(JsonNode value) {
        return schema.validate(value);
    }

    /** Refuses references that leave the document and meta-schemas other than 2020-12; compiles every pattern. */
    private static void checkReferencesAndPatterns(JsonNode node) throws InvalidJsonSchemaException {
        if (node.isArray()) {
            for (JsonNode item : node) {
                checkReferencesAndPatterns(item);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            if ((key.equals("$ref") || key.equals("$dynamicRef") || key.equals("$recursiveRef"))
                    && v.isTextual()
                    && !v.asText().startsWith("#")) {
                throw new InvalidJsonSchemaException(
                        key + " \"" + abbreviate(v.asText()) + "\" points outside the schema: only internal"
                                + " references (#/$defs/…) are allowed; inline what it refers to");
            }
            if (key.equals("$schema")
                    && v.isTextual()
                    && !v.asText().replaceAll("#$", "").equals(DRAFT_2020_12)) {
                throw new InvalidJsonSchemaException("$schema \"" + abbreviate(v.asText()) + "\" is not supported: use "
                        + DRAFT_2020_12 + " or omit it");
            }
            if (key.equals("pattern") && v.isTextual()) {
                compilePattern(v.asText());
            }
            if (key.equals("patternProperties") && v.isObject()) {
                for (Iterator<String> names = v.fieldNames(); names.hasNext(); ) {
                    compilePattern(names.next());
                }
            }
            checkReferencesAndPatterns(v);
        }
    }

    private static void compilePattern(String regex) throws InvalidJsonSchemaException {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new InvalidJsonSchemaException("pattern \"" + abbreviate(regex)
                    + "\" is not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    /** Serves the validator's bundled draft meta-schemas and refuses every other location (no network, no files). */
    private static final class BundledMetaSchemasOnly implements SchemaLoader {
        private final ClasspathSchemaLoader bundled =
                new ClasspathSchemaLoader(() -> UntrustedJsonSchema.class.getClassLoader());

        @Override
        public InputStreamSource getSchema(AbsoluteIri iri) {
            String location = iri.toString();
            if (location.startsWith("classpath:draft/") || location.startsWith("classpath:/draft/")) {
                return bundled.getSchema(iri);
            }
            return () -> {
                throw new IOException(
                        "loading " + location + " refused: request schemas may only use internal references");
            };
        }
    }

    /** java.util.regex under a step budget: the input counts every character the matcher reads. */
    private static final class BudgetedRegex implements RegularExpression {
        private final Pattern pattern;

        BudgetedRegex(String regex) {
            this.pattern = Pattern.compile(regex);
        }

        @Override
        public boolean matches(String value) {
            return pattern.matcher(new BudgetedChars(value, 0, value.length(), new long[] {REGEX_STEPS}))
                    .find();
        }
    }

    /** A CharSequence that throws {@link RegexBudgetExceeded} once its shared budget of reads is spent. */
    private record BudgetedChars(String text, int from, int to, long[] budget) implements CharSequence {
        @Override
        public int length() {
            return to - from;
        }

        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) {
                throw new RegexBudgetExceeded();
            }
            return text.charAt(from + index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BudgetedChars(text, from + start, from + end, budget);
        }

        @Override
        public String toString() {
            return text.substring(from, to);
        }
    }

    /** A pattern needed more than {@link #REGEX_STEPS} character reads for one value. */
    public static final class RegexBudgetExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RegexBudgetExceeded() {
            super(
                    "a pattern needed more than " + REGEX_STEPS
                            + " steps to match one value (catastrophic backtracking)",
                    null,
                    false,
                    false);
        }
    }
}
