package io.quantwatch.demomodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.engine.model.LlamaConfig;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.tokenizer.Tokenizer;
import io.quantwatch.tasks.TaskExample;
import io.quantwatch.tasks.TaskFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed demo model: its shape, its tokenizer, its JSON floor and its agreement with llama.cpp. */
class BundledModelTest {
    static Path file;
    static LlamaModel model;
    static Map<TaskFamily, List<TaskExample>> heldOut;

    @BeforeAll
    static void load() {
        file = Path.of(System.getProperty("quantwatch.root", ".."))
                .resolve("models/quantwatch-demo-f16.gguf")
                .toAbsolutePath()
                .normalize();
        model = LlamaModel.load(file);
        heldOut = HeldOutEvaluation.sample(100, 5, 0);
    }

    @Test
    void isASmallConfidentLlamaThatFitsTheRepository() throws Exception {
        LlamaConfig c = model.config();
        assertThat(c.dim()).isGreaterThanOrEqualTo(256);
        assertThat(c.layers()).isGreaterThanOrEqualTo(4);
        assertThat(c.kvHeads()).isLessThan(c.heads());
        assertThat(c.vocabSize()).isBetween(1000, 4000);
        assertThat(Files.size(file)).isLessThanOrEqualTo(16L << 20);
        assertThat(model.weights().layers().get(0).wq().format()).isEqualTo("F16");
    }

    @Test
    void tokenizerRoundTripsPromptsAndArbitraryBytes() {
        Tokenizer t = model.tokenizer();
        for (List<TaskExample> tasks : heldOut.values()) {
            for (TaskExample e : tasks) {
                String text = e.prompt() + e.completion();
                assertThat(t.decode(t.encode(text, true))).isEqualTo(text);
            }
        }
        Random r = new Random(1);
        for (int i = 0; i < 100; i++) {
            byte[] b = new byte[r.nextInt(64)];
            r.nextBytes(b);
            assertThat(t.decodeBytes(t.encodeBytes(b, false))).isEqualTo(b);
        }
    }

    @Test
    void meetsTheJsonValidityFloorOnAFixedHeldOutSample() {
        HeldOutEvaluation.Report r =
                HeldOutEvaluation.run(model, Map.of(TaskFamily.TOOL_CALL, heldOut.get(TaskFamily.TOOL_CALL)), 2, false);
        assertThat(r.validJsonRate())
                .as("valid JSON on 100 held-out tool-call prompts")
                .isGreaterThanOrEqualTo(0.98);
        assertThat(r.correctToolRate()).as("correct tool name").isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void llamaCppGivesTheSameGreedyOutputOnFivePromptsOfEachFamily() {
        Map<TaskFamily, LlamaCppAgreement.FamilyAgreement> a = LlamaCppAgreement.measure(file, model, heldOut, 5);
        assertThat(a).hasSize(TaskFamily.values().length);
        a.forEach((family, agreement) -> assertThat(agreement.identical())
                .as("%s: %s", family, agreement.firstMismatch())
                .isEqualTo(5));
    }
}
