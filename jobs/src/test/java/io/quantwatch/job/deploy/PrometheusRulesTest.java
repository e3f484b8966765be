package io.quantwatch.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.detectors.alert.AlertRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        assertThat(r.output()).contains("SUCCESS: 13 rules found");
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

    @Test
    void everyRuleLinksARunbookSectionThatSaysWhatToDo() throws Exception {
        String runbooks = Files.readString(Promtool.root().resolve("docs/runbooks.md"));
        for (Map.Entry<String, String> e :
                RuleFile.runbooks(RULES_DIR.resolve("quantwatch-rules.yaml")).entrySet()) {
            String alert = e.getKey();
            assertThat(e.getValue())
                    .as("runbook_url of %s", alert)
                    .endsWith("docs/runbooks.md#" + alert.toLowerCase(Locale.ROOT));
            int at = runbooks.indexOf("\n### " + alert + "\n");
            assertThat(at).as("docs/runbooks.md has a section ### %s", alert).isPositive();
            int next = runbooks.indexOf("\n##", at + 1);
            String section = runbooks.substring(at, next < 0 ? runbooks.length() : next);
            assertThat(section)
                    .as("the runbook of %s", alert)
                    .contains(
                            "**What it means.**",
                            "**First three checks.**",
                            "**How to silence safely.**",
                            "**When to roll back.**");
        }
    }

    @Test
    void everyRuleTheJobShipsReachesAPrometheusAlert() throws Exception {
        Map<String, String> alerts = RuleFile.alerts(RULES_DIR.resolve("quantwatch-rules.yaml"));
        String generic = alerts.get("QuantizedDriftRuleFiring");
        Matcher excluded = Pattern.compile("rule!~\"([^\"]+)\"").matcher(generic);
        assertThat(excluded.find())
                .as("the generic rule names the rules other alerts cover")
                .isTrue();
        Pattern coveredElsewhere = Pattern.compile(excluded.group(1));
        List<String> rules = new ArrayList<>(
                AlertRule.defaults().stream().map(AlertRule::name).toList());
        rules.add("answers-changed"); // the demo's rule
        for (String rule : rules) {
            if (!coveredElsewhere.matcher(rule).matches()) {
                continue; // the generic alert pages on it
            }
            assertThat(alerts.entrySet().stream()
                            .filter(a -> !a.getKey().equals("QuantizedDriftRuleFiring"))
                            .anyMatch(a -> a.getValue().contains("\"" + rule + "\"")
                                    || a.getValue().matches("(?s).*rule=~\"[^\"]*\\b" + rule + "\\b[^\"]*\".*")))
                    .as("job rule %s, excluded from the generic alert, has an alert of its own", rule)
                    .isTrue();
        }
    }
}
