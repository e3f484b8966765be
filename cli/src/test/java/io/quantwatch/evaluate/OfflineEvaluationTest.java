package io.quantwatch.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.detectors.alert.AlertEvaluator;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.detectors.alert.Verdict;
import io.quantwatch.engine.model.LlamaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline evaluation on the bundled model: an A/A run shows nothing, recipes order as the seed expects. */
class OfflineEvaluationTest {
    static Path root;
    static LlamaModel model;
    static List<EvaluationPrompt> prompts;

    @BeforeAll
    static void load() {
        root = Path.of(System.getProperty("quantwatch.root", ".."))
                .toAbsolutePath()
                .normalize();
        model = LlamaModel.load(root.resolve("models/quantwatch-demo-f16.gguf"));
        List<EvaluationPrompt> all = EvaluationPrompt.read(root.resolve("prompts/default.jsonl"));
        // 12 tool calls, 10 constrained, 10 translations: every short family, quick enough for CI.
        prompts = new ArrayList<>();
        prompts.addAll(
                all.stream().filter(p -> p.task().equals("tool_call")).limit(12).toList());
        prompts.addAll(all.stream()
                .filter(p -> p.task().equals("constrained_reply"))
                .limit(10)
                .toList());
        prompts.addAll(all.stream()
                .filter(p -> p.task().equals("translation"))
                .limit(10)
                .toList());
    }

    @Test
    void referenceAgainstItselfShowsNoDriftAndRaisesNoAlert() {
        OfflineEvaluation.CandidateReport r = OfflineEvaluation.run(
                        model, List.of("reference"), prompts, 2, 3, (c, d, t) -> {})
                .get(0);
        assertThat(r.summary().prompts()).isEqualTo(prompts.size());
        assertThat(r.summary().identical().value()).isEqualTo(1.0);
        assertThat(r.summary().meanKl()).isZero();
        assertThat(r.summary().perplexityRatio()).isEqualTo(1.0);
        assertThat(r.summary().jsonBroken().hits()).isZero();
        assertThat(r.worst()).isEmpty();
        assertThat(r.verdict().level()).isEqualTo(Verdict.Level.SAFE);
        for (AlertRule rule : AlertRule.defaults()) {
            AlertRule lenient =
                    new AlertRule(rule.name(), rule.metric(), rule.direction(), rule.threshold(), rule.hysteresis(), 1);
            assertThat(AlertEvaluator.evaluate(lenient, false, r.summary()))
                    .as(rule.name())
                    .isEmpty();
        }
    }

    @Test
    void int8IsClosestToTheReferenceAndChannelWiseInt4Furthest() {
        List<OfflineEvaluation.CandidateReport> r = OfflineEvaluation.run(
                model, List.of("int8 sym", "int4 sym group=128", "int4 sym group=-1"), prompts, 2, 3, (c, d, t) -> {});
        double int8 = r.get(0).summary().meanKl();
        double g128 = r.get(1).summary().meanKl();
        double channel = r.get(2).summary().meanKl();
        assertThat(int8).isPositive().isLessThan(g128);
        assertThat(g128).isLessThan(channel);
        assertThat(r.get(0).summary().perplexityRatio())
                .isLessThan(r.get(2).summary().perplexityRatio());
    }

    @Test
    void badPromptLinesAreRefusedWithFileLineAndField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.jsonl");
        Files.writeString(f, "{\"id\": \"a\", \"prompt\": \"User: hi\\nAssistant:\"}\n{\"id\": \"b\"}\n");
        assertThatThrownBy(() -> EvaluationPrompt.read(f))
                .hasMessageContaining("line 2")
                .hasMessageContaining("'prompt'");
        Files.writeString(f, "not json\n");
        assertThatThrownBy(() -> EvaluationPrompt.read(f))
                .hasMessageContaining("line 1")
                .hasMessageContaining("not a prompt object");
        Files.writeString(f, "{\"prompt\": \"x\", \"max_tokens\": 0}\n");
        assertThatThrownBy(() -> EvaluationPrompt.read(f)).hasMessageContaining("'max_tokens'");
    }

    @Test
    void aRecipeThatDoesNotFitTheModelIsRefusedBeforeAnyCandidateRuns() {
        int row = model.config().dim();
        int misfit = row / 2 + 1; // never divides the row length
        List<String> progress = new ArrayList<>();
        assertThatThrownBy(() -> OfflineEvaluation.run(
                        model,
                        List.of("int8 sym", "int4 sym group=" + misfit),
                        prompts,
                        2,
                        3,
                        (c, d, t) -> progress.add(c + " " + d)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recipe 'int4 sym group=" + misfit)
                .hasMessageContaining("tensor '")
                .hasMessageContaining("row length " + row);
        assertThat(progress).as("no candidate ran").isEmpty();
    }
}
