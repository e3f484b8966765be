package io.quantwatch.detectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Valid JSON that says something else: the tool, the argument keys and the leaf values an agent acts on. */
class JsonTreeDriftTest {

    @Test
    void aFlippedCoordinateIsANumberChangeWithItsRelativeError() {
        JsonTreeDrift d = JsonTreeDrift.of(
                "{\"name\": \"route\", \"arguments\": {\"points\": [[-51.51, -111.91], [3, 4]]}}",
                "{\"name\": \"route\", \"arguments\": {\"points\": [[-51.51, 101.91], [3, 4]]}}");
        assertThat(d.compared()).isTrue();
        assertThat(d.toolChanged()).isFalse();
        assertThat(d.argumentsChanged()).isFalse();
        assertThat(d.valueChanged()).isTrue();
        assertThat(d.numbersChanged()).isEqualTo(1);
        assertThat(d.leaves()).isEqualTo(4);
        assertThat(d.maxNumberRelativeError()).isCloseTo((111.91 + 101.91) / 111.91, within(1e-9));
    }

    @Test
    void aTrackingNumberWithDigitsDroppedIsAStringChange() {
        JsonTreeDrift d = JsonTreeDrift.of(
                "{\"tool\": \"track\", \"arguments\": {\"number\": \"1Z999AA10123456784\"}}",
                "{\"tool\": \"track\", \"arguments\": {\"number\": \"1Z999AA1012345\"}}");
        assertThat(d.stringsChanged()).isEqualTo(1);
        assertThat(d.valueChanged()).isTrue();
        assertThat(d.numbersChanged()).isZero();
    }

    @Test
    void anotherToolAnAddedKeyAFlippedFlagAndAChangedTypeAreEachCounted() {
        JsonTreeDrift d = JsonTreeDrift.of(
                "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"metric\": true, \"days\": 3}}",
                "{\"name\": \"get_forecast\", \"arguments\": {\"city\": \"Paris\", \"metric\": false, \"days\": \"3\", \"lang\": \"fr\"}}");
        assertThat(d.toolChanged()).isTrue();
        assertThat(d.keysAdded()).isEqualTo(1);
        assertThat(d.keysRemoved()).isZero();
        assertThat(d.booleansChanged()).isEqualTo(1);
        assertThat(d.typesChanged()).isEqualTo(1);
        assertThat(d.stringsChanged()).isZero();
    }

    @Test
    void theOpenAiFunctionShapeAndAPlainAnswerAreComparedToo() {
        JsonTreeDrift function = JsonTreeDrift.of(
                "{\"function\": {\"name\": \"a\", \"arguments\": {\"x\": 1}}}",
                "{\"function\": {\"name\": \"b\", \"arguments\": {}}}");
        assertThat(function.toolChanged()).isTrue();
        assertThat(function.keysRemoved()).isEqualTo(1);
        JsonTreeDrift answer = JsonTreeDrift.of(
                "{\"answer\": \"yes\", \"confidence\": 0.9}", "{\"answer\": \"no\", \"confidence\": 0.9}");
        assertThat(answer.toolChanged()).isFalse();
        assertThat(answer.stringsChanged()).isEqualTo(1);
    }

    @Test
    void identicalOrEquivalentDocumentsChangeNothingAndUnparsedOnesAreNotCompared() {
        JsonTreeDrift same = JsonTreeDrift.of("{\"a\": 1, \"b\": [true, null]}", "{\"b\": [true, null], \"a\": 1.0}");
        assertThat(same.compared()).isTrue();
        assertThat(same.valueChanged()).isFalse();
        assertThat(same.argumentsChanged()).isFalse();
        assertThat(JsonTreeDrift.of(null, "{}")).isEqualTo(JsonTreeDrift.NOT_COMPARED);
        assertThat(JsonTreeDrift.of("[".repeat(2_000) + "]".repeat(2_000), "[]").compared())
                .isFalse();
    }

    @Test
    void theComparisonFindsAValidToolCallWithChangedArgumentsThatTheJsonClassesCallValid() {
        DecodeOutput ref = new DecodeOutput(
                new int[] {1, 2, 3},
                "{\"name\": \"route\", \"arguments\": {\"lat\": 37.77}}",
                FinishReason.EOS,
                List.of());
        DecodeOutput cand = new DecodeOutput(
                new int[] {1, 2, 4},
                "```json\n{\"name\": \"route\", \"arguments\": {\"lat\": 3.77}}\n```",
                FinishReason.EOS,
                List.of());
        int n = 3;
        ShadowMetrics m = new ShadowComparison()
                .compare(
                        new RequestContext(true, null, null),
                        ref,
                        cand,
                        new TeacherForcedScores(
                                new double[n],
                                new boolean[n],
                                new double[n],
                                new double[n],
                                new double[n],
                                new int[n][0]));
        assertThat(m.candidateJson().failure()).isEqualTo(JsonFailure.NONE);
        assertThat(m.jsonBroken()).isFalse();
        assertThat(m.tree().valueChanged()).isTrue();
        assertThat(m.tree().maxNumberRelativeError()).isCloseTo(34.0 / 37.77, within(1e-9));
    }
}
