package io.quantwatch.job.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shipped Grafana dashboard's queries, with its variables substituted the way Grafana would. */
final class Dashboard {
    static final Path FILE = Promtool.root().resolve("deploy/grafana/quantwatch.json");
    private static final Pattern METRIC = Pattern.compile("\\b(quantwatch_[a-z0-9_]+|ALERTS|up)\\b");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*[a-z_]+\\)");

    /** One panel query: where it is, and its PromQL as Prometheus receives it. */
    record Query(String panel, String refId, String promql) {}

    private Dashboard() {}

    static JsonNode json() throws IOException {
        return new ObjectMapper().readTree(FILE.toFile());
    }

    /** Every panel's queries (rows' nested panels included) and every variable's series selector. */
    static List<Query> queries() throws IOException {
        JsonNode d = json();
        List<Query> out = new ArrayList<>();
        collect(d.path("panels"), out);
        for (JsonNode v : d.path("templating").path("list")) {
            if (v.path("type").asText().equals("query")) {
                Matcher m = LABEL_VALUES.matcher(v.path("query").path("query").asText());
                if (!m.matches()) {
                    throw new AssertionError("variable " + v.path("name").asText() + " is not label_values(…): " + v);
                }
                out.add(new Query("variable " + v.path("name").asText(), "-", substitute(m.group(1))));
            }
        }
        return out;
    }

    private static void collect(JsonNode panels, List<Query> out) {
        for (JsonNode p : panels) {
            collect(p.path("panels"), out);
            for (JsonNode t : p.path("targets")) {
                out.add(new Query(
                        p.path("title").asText(),
                        t.path("refId").asText(),
                        substitute(t.path("expr").asText())));
            }
        }
    }

    /**
     * Grafana's substitutions: the rate interval, "All" of a multi-value variable as {@code .*}, and a chosen value
     * regex-escaped (the roll-up's task and tenant are "*").
     */
    static String substitute(String expr) {
        return expr.replace("$__rate_interval", "2m")
                .replace("$model", ".*")
                .replace("$candidate", ".*")
                .replace("$task", "\\\\*")
                .replace("$tenant", "\\\\*");
    }

    /** The series names the queries read. */
    static Set<String> metricNames() throws IOException {
        Set<String> names = new TreeSet<>();
        for (Query q : queries()) {
            Matcher m = METRIC.matcher(q.promql());
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
