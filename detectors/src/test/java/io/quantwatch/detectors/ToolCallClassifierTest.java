package io.quantwatch.detectors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * With tools offered, a call in Qwen3's, Llama 3.1's or Mistral's native form is judged as the JSON it carries: its
 * syntax, the tool it names and its arguments against that tool's parameters; tool and argument drift compare the calls
 * whatever form each side used.
 */
class ToolCallClassifierTest {
    private static final String TOOLS = """
            [{"type": "function", "function": {"name": "get_weather", "description": "Current weather",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"],
                "additionalProperties": false}}},
             {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object",
              "properties": {"tz": {"type": "string"}}}}}]
            """;
    private final ToolCallClassifier tools = new ToolCallClassifier(TOOLS);

    @Test
    void qwensWrappedCallIsValidJsonNotProseAroundAFence() {
        String qwen = "<think>\nThe user wants the weather.\n</think>\n\n<tool_call>\n"
                + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"celsius\"}}\n</tool_call>";
        JsonVerdict v = tools.classify(qwen, false);
        assertThat(v.failure()).isEqualTo(JsonFailure.NONE);
        assertThat(new JsonFailureClassifier().classify(qwen, false).failure())
                .as("the same answer judged as plain JSON")
                .isEqualTo(JsonFailure.TEXT_OUTSIDE_JSON);
    }

    @Test
    void llamasBareCallWithParametersAndMistralsPrefixAreCallsToo() {
        assertThat(tools.classify("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Rome\"}}", false)
                        .failure())
                .isEqualTo(JsonFailure.NONE);
        assertThat(tools.classify("<|python_tag|>{\"name\": \"get_time\", \"parameters\": {\"tz\": \"UTC\"}}", false)
                        .failure())
                .isEqualTo(JsonFailure.NONE);
        assertThat(tools.classify(
                                "[TOOL_CALLS][{\"name\": \"get_time\", \"arguments\": {}},"
                                        + " {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}]",
                                false)
                        .failure())
                .isEqualTo(JsonFailure.NONE);
    }

    @Test
    void argumentsOutsideTheToolsSchemaAndUnknownToolsAreSchemaMismatches() {
        JsonVerdict badEnum = tools.classify(
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"kelvin\"}}\n"
                        + "</tool_call>",
                false);
        assertThat(badEnum.failure()).isEqualTo(JsonFailure.SCHEMA_MISMATCH);
        assertThat(badEnum.detail()).contains("the arguments of 'get_weather'");
        assertThat(badEnum.document()).as("the call is kept for tool drift").contains("kelvin");

        JsonVerdict missing =
                tools.classify("<tool_call>{\"name\": \"get_weather\", \"arguments\": {}}</tool_call>", false);
        assertThat(missing.failure()).isEqualTo(JsonFailure.SCHEMA_MISMATCH);

        JsonVerdict unknown = tools.classify("{\"name\": \"send_email\", \"arguments\": {\"to\": \"x\"}}", false);
        assertThat(unknown.failure()).isEqualTo(JsonFailure.SCHEMA_MISMATCH);
        assertThat(unknown.detail()).contains("'send_email', which is not among the tools offered");
    }

    @Test
    void aCallCutByTheTokenLimitIsTruncatedAndBrokenJsonKeepsItsClass() {
        assertThat(tools.classify("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Par", true)
                        .failure())
                .isEqualTo(JsonFailure.TRUNCATED);
        assertThat(tools.classify(
                                "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\",}}</tool_call>",
                                false)
                        .failure())
                .isEqualTo(JsonFailure.TRAILING_COMMA);
    }

    @Test
    void anAnswerInProseIsJudgedAsText() {
        assertThat(tools.classify("It is sunny in Paris today.", false).failure())
                .isEqualTo(JsonFailure.NO_JSON);
    }

    @Test
    void toolDriftComparesTheCallsWhateverFormEachSideUsed() {
        JsonVerdict ref = tools.classify(
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>", false);
        JsonVerdict sameCallOtherForm =
                tools.classify("{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}", false);
        JsonVerdict otherTool = tools.classify(
                "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"tz\": \"Europe/Paris\"}}\n</tool_call>",
                false);
        JsonVerdict otherCity = tools.classify(
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Lyon\"}}\n</tool_call>", false);
        assertThat(JsonTreeDrift.of(ref.document(), sameCallOtherForm.document())
                        .saysSomethingElse())
                .isFalse();
        assertThat(JsonTreeDrift.of(ref.document(), otherTool.document()).toolChanged())
                .isTrue();
        assertThat(JsonTreeDrift.of(ref.document(), otherCity.document()).valueChanged())
                .isTrue();
    }
}
