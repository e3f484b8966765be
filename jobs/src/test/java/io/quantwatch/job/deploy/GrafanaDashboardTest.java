package io.quantwatch.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped dashboard is a Grafana JSON model with the datasource as a variable, a row per concern, and queries
 * Prometheus parses (each checked by promtool as a recording rule). That its series are the ones the monitor exports
 * is checked against a real scrape in {@link PrometheusEndToEndTest}.
 */
class GrafanaDashboardTest {
    @TempDir
    Path tmp;

    @Test
    void theDatasourceIsAVariableEveryPanelUses() throws Exception {
        JsonNode d = Dashboard.json();
        JsonNode first = d.path("templating").path("list").get(0);
        assertThat(first.path("type").asText()).isEqualTo("datasource");
        assertThat(first.path("query").asText()).isEqualTo("prometheus");
        for (JsonNode p : d.path("panels")) {
            if (!p.path("type").asText().equals("row")) {
                assertThat(p.path("datasource").path("uid").asText())
                        .as("datasource of %s", p.path("title").asText())
                        .isEqualTo("${datasource}");
                assertThat(p.path("targets"))
                        .as("queries of %s", p.path("title").asText())
                        .isNotEmpty();
            }
        }
    }

    @Test
    void thereIsARowPerConcern() throws Exception {
        List<String> rows = new ArrayList<>();
        for (JsonNode p : Dashboard.json().path("panels")) {
            if (p.path("type").asText().equals("row")) {
                rows.add(p.path("title").asText());
            }
        }
        assertThat(String.join(" | ", rows))
                .contains("Traffic and sampling")
                .contains("Shadow latency and capacity")
                .contains("Drift per candidate")
                .contains("JSON failure classes")
                .contains("Alerts")
                .contains("Kafka");
        assertThat(Dashboard.metricNames())
                .contains(
                        "quantwatch_sampling_total", // incl. the shed (over_capacity) decisions
                        "quantwatch_shadow_latency_seconds_bucket",
                        "quantwatch_shadow_capacity",
                        "quantwatch_window_identical_rate_lower",
                        "quantwatch_window_json_broken_rate_upper",
                        "quantwatch_window_kl_p95",
                        "quantwatch_window_json_failures",
                        "quantwatch_alert_firing",
                        "quantwatch_kafka_lag");
    }

    @Test
    void everyQueryParses() throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        List<Dashboard.Query> queries = Dashboard.queries();
        for (int i = 0; i < queries.size(); i++) {
            rules.append("      - record: dashboard:query_")
                    .append(i)
                    .append("\n        expr: '")
                    .append(queries.get(i).promql().replace("'", "''"))
                    .append("'\n");
        }
        Files.writeString(tmp.resolve("dashboard.yaml"), rules);
        Promtool.Result r = Promtool.run(tmp, "check", "rules", "dashboard.yaml");
        assertThat(r.exit()).as("%s%n%s", r.output(), rules).isZero();
        assertThat(r.output()).contains("SUCCESS: " + queries.size() + " rules found");
        assertThat(queries.size()).isGreaterThan(30);
    }

    @Test
    void aBrokenQueryWouldBeCaught() throws Exception {
        Files.writeString(
                tmp.resolve("bad.yaml"),
                "groups:\n  - name: bad\n    rules:\n      - record: x\n        expr: 'sum by (candidate) (rate(quantwatch_shadowed_total[5m])'\n");
        assertThat(Promtool.run(tmp, "check", "rules", "bad.yaml").exit()).isNotZero();
    }
}
