package io.quantwatch.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped alerting rules load in Prometheus ({@code promtool check rules}) and behave as intended on synthetic
 * series ({@code promtool test rules}: each fires after its condition and resolves after it).
 */
class PrometheusRulesTest {
    static final Path RULES_DIR = Promtool.root().resolve("deploy/prometheus");

    @TempDir
    Path tmp;

    @Test
    void theShippedRulesPassPromtoolsCheck() throws Exception {
        Promtool.Result r = Promtool.run(RULES_DIR, "check", "rules", "quantwatch-rules.yaml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: 10 rules found");
    }

    @Test
    void everyRuleFiresAndResolvesInItsUnitTests() throws Exception {
        Promtool.Result r = Promtool.run(RULES_DIR, "test", "rules", "quantwatch-rules.test.yaml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
        String tests = Files.readString(RULES_DIR.resolve("quantwatch-rules.test.yaml"));
        for (String alert : RuleFile.alertNames(RULES_DIR.resolve("quantwatch-rules.yaml"))) {
            assertThat(tests).as("a unit test of %s", alert).contains("alertname: " + alert);
        }
    }

    @Test
    void theUnitTestsCatchABrokenRule() throws Exception {
        // The dark rule without its start-up guard would page at every deployment: the tests must say so.
        String rules = Files.readString(RULES_DIR.resolve("quantwatch-rules.yaml"));
        String unguarded = rules.replaceAll("(?m)^\\s*and on\\(\\) min\\(process_uptime_seconds.*\\n", "");
        assertThat(unguarded).isNotEqualTo(rules);
        Files.writeString(tmp.resolve("quantwatch-rules.yaml"), unguarded);
        Files.copy(RULES_DIR.resolve("quantwatch-rules.test.yaml"), tmp.resolve("quantwatch-rules.test.yaml"));
        Promtool.Result r = Promtool.run(tmp, "test", "rules", "quantwatch-rules.test.yaml");
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("dark, not at start-up");
    }
}
