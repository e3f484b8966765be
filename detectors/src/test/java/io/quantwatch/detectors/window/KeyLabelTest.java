package io.quantwatch.detectors.window;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyLabelTest {

    @Test
    void realTenantTaskAndModelNamesPass() {
        for (String ok : new String[] {
            "acme", "team-42", "ops@example.com", "/v1/chat/completions", "meta-llama/Llama-3.1-8B-Instruct",
            "llama3:8b", "größe", "客户A", "tool_call", "a+b"
        }) {
            assertThat(KeyLabel.problem("tenant", ok)).as(ok).isEmpty();
        }
    }

    @Test
    void theRollUpsStarAndOddCharactersAreRefusedNamingTheRule() {
        assertThat(KeyLabel.problem("tenant", "*"))
                .hasValueSatisfying(m -> assertThat(m)
                        .startsWith("field 'tenant' is \"*\"")
                        .contains("names the roll-up")
                        .contains("1 to 128 letters, digits"));
        assertThat(KeyLabel.problem("task", "")).isPresent();
        assertThat(KeyLabel.problem("task", "a b")).isPresent();
        assertThat(KeyLabel.problem("task", "~other")).isPresent();
        assertThat(KeyLabel.problem("tenant", "evil\nline"))
                .hasValueSatisfying(m -> assertThat(m).contains("evil\\u000aline"));
    }

    @Test
    void aHugeValueIsRefusedByLengthWithoutQuotingIt() {
        String huge = "t".repeat(500_000);

        assertThat(KeyLabel.problem("tenant", huge))
                .hasValueSatisfying(m -> assertThat(m)
                        .startsWith("field 'tenant' is 500000 characters; at most 128")
                        .hasSizeLessThan(400));
        assertThat(KeyLabel.problem("tenant", "t".repeat(128))).isEmpty();
    }
}
