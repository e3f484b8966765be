package io.quantwatch.detectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The classifier against RFC 8259 itself: generated documents are valid, any of them cut at any character by the
 * token limit is a truncation, and on near-JSON noise it agrees with Jackson's strict parser about what is valid.
 */
class JsonFailureClassifierPropertiesTest {
    private static final JsonFailureClassifier CLASSIFIER = new JsonFailureClassifier();
    private static final JsonFactory STRICT = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(100_000)
                    .maxNumberLength(100_000)
                    .build())
            .build();

    @Property(tries = 1_000)
    void everyGeneratedDocumentIsValid(@ForAll("documents") String json) {
        assertThat(CLASSIFIER.classify(json, false).failure()).as(json).isEqualTo(JsonFailure.NONE);
    }

    @Property(tries = 1_000)
    void anyDocumentCutByTheTokenLimitIsTruncated(
            @ForAll("documents") String json, @ForAll @IntRange(min = 1, max = 1_000_000) int at) {
        String cut = json.substring(0, 1 + at % (json.length() - 1));
        assertThat(CLASSIFIER.classify(cut, true).failure()).as(cut).isEqualTo(JsonFailure.TRUNCATED);
    }

    private static final AtomicInteger AGREED_VALID = new AtomicInteger();
    private static final AtomicInteger AGREED_INVALID = new AtomicInteger();

    @AfterContainer
    static void printAgreement() {
        System.out.println("near-JSON vs Jackson: agreed valid " + AGREED_VALID + ", agreed invalid " + AGREED_INVALID);
    }

    @Property(tries = 5_000)
    void onNearJsonNoiseValidMeansWhatJacksonSays(@ForAll("nearJson") String text) {
        JsonVerdict v = CLASSIFIER.classify(text, false);
        Boolean jackson = jacksonAcceptsOneContainer(text);
        if (jackson != null) {
            assertThat(v.failure() == JsonFailure.NONE).as(text + " → " + v).isEqualTo(jackson);
            (jackson ? AGREED_VALID : AGREED_INVALID).incrementAndGet();
        }
    }

    /** True or false for an object or array with nothing around it; null for what the two rightly differ on (scalars). */
    private static Boolean jacksonAcceptsOneContainer(String text) {
        String t = text.strip();
        if (t.isEmpty() || (t.charAt(0) != '{' && t.charAt(0) != '[')) {
            return t.isEmpty() ? Boolean.FALSE : null;
        }
        try (JsonParser p = STRICT.createParser(t)) {
            p.skipChildren();
            JsonToken first = p.nextToken();
            p.skipChildren();
            return first != null && p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    @Provide
    Arbitrary<String> documents() {
        return container(4);
    }

    private static Arbitrary<String> container(int depth) {
        Arbitrary<String> value = depth == 0
                ? scalar()
                : Arbitraries.frequencyOf(
                        Tuple.of(3, scalar()), Tuple.of(1, Arbitraries.lazy(() -> container(depth - 1))));
        Arbitrary<String> ws = Arbitraries.of("", " ", "\n", "\t", "\r\n  ");
        Arbitrary<String> array = Combinators.combine(value.list().ofMaxSize(5), ws)
                .as((items, w) -> "[" + w + String.join("," + w, items) + w + "]");
        Arbitrary<String> object = Combinators.combine(
                        key().list().uniqueElements().ofMaxSize(5), value.list().ofSize(5), ws)
                .as((keys, values, w) -> {
                    StringBuilder b = new StringBuilder("{");
                    for (int i = 0; i < keys.size(); i++) {
                        b.append(i == 0 ? w : "," + w)
                                .append('"')
                                .append(keys.get(i))
                                .append('"')
                                .append(w)
                                .append(':')
                                .append(values.get(i));
                    }
                    return b.append(w).append('}').toString();
                });
        return Arbitraries.oneOf(array, object);
    }

    private static Arbitrary<String> key() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
    }

    private static Arbitrary<String> scalar() {
        Arbitrary<String> text = Arbitraries.strings()
                .withChars("abcXYZ 09é😀\"\\/\b\f\n\r\t\u0001")
                .ofMaxLength(12)
                .map(JsonFailureClassifierPropertiesTest::quote);
        Arbitrary<String> integer = Arbitraries.longs().map(String::valueOf);
        Arbitrary<String> real = Arbitraries.doubles()
                .between(-1e6, 1e6)
                .map(d -> String.valueOf(d).replace("E", "e"));
        Arbitrary<String> exponent = Arbitraries.of("1e10", "-2.5E-3", "0.0", "-0", "6.02e+23");
        return Arbitraries.oneOf(text, integer, real, exponent, Arbitraries.of("true", "false", "null"));
    }

    /** A JSON string literal: control characters and quotes escaped as RFC 8259 says, some as {@code \\u} escapes. */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '/' -> b.append("\\/");
                default -> {
                    if (c < 0x20 || c == 'é') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    @Provide
    Arbitrary<String> nearJson() {
        Arbitrary<String> noise =
                Arbitraries.strings().withChars("{}[]\",:01-.eE tfnrulsa\\u/\n").ofMaxLength(30);
        Arbitrary<String> mutated = Combinators.combine(
                        documents(),
                        Arbitraries.integers().between(0, 10_000),
                        Arbitraries.of("", ",", "}", "]", "\"", "\\", ":", "x", " ", "0", "{", "[", "\\u", "\n"),
                        Arbitraries.of(0, 1, 2))
                .as((doc, at, insert, kind) -> {
                    int i = at % (doc.length() + 1);
                    return switch (kind) {
                        case 0 -> doc.substring(0, i) + insert + doc.substring(i);
                        case 1 -> i < doc.length() ? doc.substring(0, i) + doc.substring(i + 1) : doc;
                        default ->
                            i < doc.length() ? doc.substring(0, i) + insert + doc.substring(i + 1) : doc + insert;
                    };
                });
        return Arbitraries.oneOf(noise, mutated, mutated);
    }

    @Property(tries = 10)
    void hostileOutputsGetAClassNotAnException(@ForAll("hostile") String text) {
        assertThat(CLASSIFIER.classify(text, false).failure()).isNotNull();
        assertThat(CLASSIFIER.classify(text, true).failure()).isNotNull();
    }

    @Provide
    Arbitrary<String> hostile() {
        return Arbitraries.of(List.of(
                "[".repeat(500_000),
                "{\"a\":".repeat(200_000) + "1" + "}".repeat(200_000),
                "{\"a\":x ".repeat(100_000),
                "[get_weather] ".repeat(70_000),
                "{\"s\": \"" + "\uD800".repeat(100_000) + "\"}",
                "{\"s\": \"" + "\uDC00x\uD83D".repeat(50_000),
                "\"" + "x".repeat(1_000_000),
                "{" + "\"k\":1,".repeat(150_000) + "\"k\":2}",
                "```json\n" + "[1,".repeat(250_000),
                "{\"a\": [" + "1e99999,".repeat(100_000) + "1]}"));
    }
}
