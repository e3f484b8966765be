package io.quantwatch.detectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each failure class on outputs a reviewer can read, and the valid cases that must not be flagged. */
class JsonFailureClassifierTest {
    final JsonFailureClassifier classifier = new JsonFailureClassifier();

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("{\"tool\": \"x\", \"arguments\": {\"a\": 1}}", JsonFailure.NONE),
                Arguments.of("  [1, 2.5, true, null, \"é😀\"]  ", JsonFailure.NONE),
                Arguments.of("```json\n{\"a\": 1}\n```", JsonFailure.NONE),
                Arguments.of("", JsonFailure.EMPTY),
                Arguments.of("   ", JsonFailure.EMPTY),
                Arguments.of("I cannot help with that.", JsonFailure.NO_JSON),
                Arguments.of("{\"a\": 1, \"b\": 2,}", JsonFailure.TRAILING_COMMA),
                Arguments.of("[1, 2, 3,]", JsonFailure.TRAILING_COMMA),
                Arguments.of("{\"a\": [1, 2,], \"b\": 1}", JsonFailure.TRAILING_COMMA),
                Arguments.of("{\"a\": {\"b\": 1}", JsonFailure.UNBALANCED_BRACKETS),
                Arguments.of("{\"a\": 1}}", JsonFailure.UNBALANCED_BRACKETS),
                Arguments.of("{\"a\": [1, 2}", JsonFailure.UNBALANCED_BRACKETS),
                Arguments.of("{\"a\": \"unfinished str", JsonFailure.TRUNCATED),
                Arguments.of("{\"a\": 1, \"b\":", JsonFailure.TRUNCATED),
                Arguments.of("{\"a\": 1,", JsonFailure.TRUNCATED),
                Arguments.of("Here is the call: {\"a\": 1}", JsonFailure.TEXT_OUTSIDE_JSON),
                Arguments.of("{\"a\": 1} Let me know if you need more.", JsonFailure.TEXT_OUTSIDE_JSON),
                Arguments.of("Sure!\n```json\n{\"a\": 1}\n```\nDone.", JsonFailure.TEXT_OUTSIDE_JSON),
                Arguments.of("{\"path\": \"C:\\docs\"}", JsonFailure.INVALID_ESCAPE),
                Arguments.of("{\"a\": \"tab\there\"}", JsonFailure.INVALID_ESCAPE),
                Arguments.of("{\"a\": 1, \"a\": 2}", JsonFailure.DUPLICATE_KEY),
                Arguments.of("{\"a\": 1 \"b\": 2}", JsonFailure.OTHER_SYNTAX),
                Arguments.of("{'a': 1}", JsonFailure.OTHER_SYNTAX));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("cases")
    void classifies(String output, JsonFailure expected) {
        assertThat(classifier.classify(output, false).failure()).as(output).isEqualTo(expected);
    }

    @Test
    void anUnfinishedValueAtTheTokenLimitIsTruncationNotImbalance() {
        assertThat(classifier.classify("{\"a\": {\"b\": 1}", false).failure())
                .isEqualTo(JsonFailure.UNBALANCED_BRACKETS);
        assertThat(classifier.classify("{\"a\": {\"b\": 1}", true).failure()).isEqualTo(JsonFailure.TRUNCATED);
        assertThat(classifier.classify("```json\n{\"a\": 1", false).failure()).isEqualTo(JsonFailure.TRUNCATED);
    }

    @Test
    void schemaMismatchIsReportedForOtherwiseValidJson() {
        JsonFailureClassifier withSchema = new JsonFailureClassifier("""
                {"type": "object", "required": ["tool"], "properties": {"tool": {"type": "string"}}}""");
        assertThat(withSchema.classify("{\"tool\": \"x\"}", false).valid()).isTrue();
        JsonVerdict v = withSchema.classify("{\"tool\": 3}", false);
        assertThat(v.failure()).isEqualTo(JsonFailure.SCHEMA_MISMATCH);
        assertThat(v.detail()).contains("tool");
        assertThat(v.parseable()).isTrue();
        assertThatThrownBy(() -> new JsonFailureClassifier("{not json")).hasMessageContaining("JSON Schema");
    }

    @Test
    void deepValidJsonIsValidAndACutOffDeepLoopIsTruncated() {
        int depth = 5_000; // five times Jackson's default nesting limit
        String deep = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        assertThat(classifier.classify(deep, false).failure()).isEqualTo(JsonFailure.NONE);
        assertThat(classifier
                        .classify("[".repeat(depth) + "]".repeat(depth), false)
                        .failure())
                .isEqualTo(JsonFailure.NONE);
        String loop = "{\"a\":".repeat(depth); // a quantized model looping until the token limit
        assertThat(classifier.classify(loop, true).failure()).isEqualTo(JsonFailure.TRUNCATED);
        assertThat(classifier.classify(loop, false).failure()).isEqualTo(JsonFailure.TRUNCATED);
    }

    @Test
    void hostileOutputsAreClassifiedNotThrown() {
        String tooDeep = "[".repeat(200_000);
        assertThat(classifier.classify(tooDeep, true).failure()).isEqualTo(JsonFailure.TRUNCATED);
        assertThat(classifier.classify(tooDeep, false).failure()).isEqualTo(JsonFailure.TRUNCATED);
        // RFC 8259 sets no limit on a number's digits.
        assertThat(classifier
                        .classify("{\"n\": " + "9".repeat(5_000) + "}", false)
                        .failure())
                .isEqualTo(JsonFailure.NONE);
        JsonFailureClassifier withSchema = new JsonFailureClassifier("{\"type\": \"object\"}");
        String deep = "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000);
        assertThat(withSchema.classify(deep, false).failure()).isIn(JsonFailure.NONE, JsonFailure.SCHEMA_MISMATCH);
    }
}
