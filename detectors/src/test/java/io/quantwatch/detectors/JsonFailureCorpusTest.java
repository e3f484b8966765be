package io.quantwatch.detectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A labelled corpus of realistic structured outputs (json-failure-corpus.jsonl: agent tool calls and answers, valid,
 * fenced every common way, wrapped in prose, think blocks and markdown, cut at every kind of position, broken every
 * common way, scalars with and without a schema): the classifier agrees with the label on at least 97 %.
 */
class JsonFailureCorpusTest {

    record Labelled(String output, boolean tokenLimit, String schema, JsonFailure expected, String why) {}

    static List<Labelled> corpus() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Labelled> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(JsonFailureCorpusTest.class.getResourceAsStream("/json-failure-corpus.jsonl")),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                JsonNode n = json.readTree(line);
                rows.add(new Labelled(
                        n.get("output").asText(),
                        n.get("token_limit").asBoolean(),
                        n.get("schema").isNull() ? null : n.get("schema").asText(),
                        JsonFailure.valueOf(n.get("expected").asText()),
                        n.get("why").asText()));
            }
        }
        return rows;
    }

    @Test
    void theClassifierAgreesWithTheLabelsOnAtLeast97Percent() throws IOException {
        List<Labelled> corpus = corpus();
        List<String> misses = new ArrayList<>();
        for (Labelled l : corpus) {
            JsonFailureClassifier c =
                    l.schema() == null ? new JsonFailureClassifier() : new JsonFailureClassifier(l.schema());
            JsonVerdict v = c.classify(l.output(), l.tokenLimit());
            if (v.failure() != l.expected()) {
                misses.add(l.expected() + " (" + l.why() + ") classified " + v.failure() + " [" + v.detail() + "]: "
                        + l.output()
                                .substring(0, Math.min(80, l.output().length()))
                                .replace("\n", "\\n"));
            }
        }
        double accuracy = 1.0 - (double) misses.size() / corpus.size();
        System.out.printf(
                "json corpus: %d outputs, accuracy %.1f %%, %d misses%n", corpus.size(), 100 * accuracy, misses.size());
        misses.forEach(m -> System.out.println("  miss: " + m));
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(150);
        Set<JsonFailure> covered = corpus.stream()
                .map(Labelled::expected)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(JsonFailure.class)));
        assertThat(covered).as("every class is in the corpus").isEqualTo(EnumSet.allOf(JsonFailure.class));
        assertThat(accuracy).as(String.join("\n", misses)).isGreaterThanOrEqualTo(0.97);
    }
}
