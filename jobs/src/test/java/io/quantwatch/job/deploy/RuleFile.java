package io.quantwatch.job.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The alerting rules of a Prometheus rule file, read as YAML. */
final class RuleFile {
    private RuleFile() {}

    /** Alert name → PromQL expression, in file order of names. */
    static Map<String, String> alerts(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        Map<String, String> out = new TreeMap<>();
        for (JsonNode group : root.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                out.put(rule.path("alert").asText(), rule.path("expr").asText());
            }
        }
        return out;
    }

    /** Alert name → its runbook_url annotation (empty when it has none). */
    static Map<String, String> runbooks(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        Map<String, String> out = new TreeMap<>();
        for (JsonNode group : root.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                out.put(
                        rule.path("alert").asText(),
                        rule.path("annotations").path("runbook_url").asText());
            }
        }
        return out;
    }

    static List<String> alertNames(Path file) throws IOException {
        return new ArrayList<>(alerts(file).keySet());
    }
}
