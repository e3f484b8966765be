package io.quantwatch.connectors.openvino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.connectors.openvino.OpenVinoPipelines.Side;
import io.quantwatch.connectors.shadow.ShadowOutcome;
import io.quantwatch.connectors.shadow.ShadowRunner;
import io.quantwatch.detectors.CandidateAnswer;
import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.TeacherForcedScores;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.schemas.PromptEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The openvino backend end to end on the C test library and its toy LLM: greedy generation,
 * exact teacher-forced comparison, fresh state per prompt, NPU properties and prompt limits, and
 * the start-up refusals (asymmetric INT4 on NPU, missing device, incomplete folder, other tokenizer).
 */
class OpenVinoPipelinesStubTest {
    private static final StubOpenVino.Control STUB = StubOpenVino.control();
    private static final String LIB = StubOpenVino.library().toString();

    @TempDir
    Path dir;

    @BeforeEach
    void devices() {
        STUB.stub_set_devices("CPU,GPU,NPU");
        STUB.stub_set_logits("full");
    }

    private Side side(String name, double perturb, StubOpenVino.Weights w, String device) {
        return new Side(StubOpenVino.folder(dir.resolve(name), perturb, w), device, new NpuSettings(16, 8));
    }

    @Test
    void anIdenticalCandidateAgreesExactlyAndAPerturbedOneDrifts() {
        Side ref = side("ref", 0, StubOpenVino.Weights.FP16, "CPU");
        ShadowPipelines same = OpenVinoPipelines.pair(
                LIB, OpenVinoPipelines.Binding.C_API, ref, side("same", 0, StubOpenVino.Weights.FP16, "GPU"));
        ShadowPipelines drift = OpenVinoPipelines.pair(
                LIB, OpenVinoPipelines.Binding.C_API, ref, side("int4", 1.5, StubOpenVino.Weights.INT4_SYM, "GPU"));
        int[] prompt = same.encodePrompt("the weather in paris is");
        assertThat(prompt).containsExactly(2, 3, 5, 6, 7, 8);

        DecodeOutput r = same.generateReference(prompt, 40, List.of());
        assertThat(r.tokens()).isNotEmpty();
        assertThat(r.text()).isNotBlank();
        assertThat(same.generateCandidate(prompt, 40, List.of()).tokens()).containsExactly(r.tokens());
        TeacherForcedScores s = same.teacherForce(prompt, r.tokens());
        assertThat(Arrays.stream(s.kl()).max().orElse(0)).isLessThan(1e-9);
        assertThat(s.sameTop1()).containsOnly(true);

        TeacherForcedScores d = drift.teacherForce(prompt, r.tokens());
        double meanKl = Arrays.stream(d.kl()).average().orElse(0);
        assertThat(meanKl).isGreaterThan(0.01);
        assertThat(drift.generateReference(prompt, 40, List.of()).tokens())
                .containsExactly(r.tokens()); // fresh state every call
    }

    @Test
    void aVerifiedCandidateGivesTheAnswerAndScoresOfDecodingItAlone() {
        Side ref = side("ref", 0, StubOpenVino.Weights.FP16, "CPU");
        String[] prompts = {"the weather in paris is", "the weather", "paris is sunny and the sky"};
        int diverged = 0;
        int whole = 0;
        for (double perturb : new double[] {0, 0.4, 1.5, 3}) {
            Side cand = side("cand-" + perturb, perturb, StubOpenVino.Weights.INT4_SYM, "GPU");
            ShadowPipelines alone = OpenVinoPipelines.pair(LIB, OpenVinoPipelines.Binding.C_API, ref, cand, false);
            ShadowPipelines verified = OpenVinoPipelines.pair(LIB, OpenVinoPipelines.Binding.C_API, ref, cand, true);
            for (String text : prompts) {
                int[] prompt = alone.encodePrompt(text);
                for (int[] budgets : new int[][] {{40, 40}, {6, 30}, {30, 4}, {0, 10}}) {
                    DecodeOutput r = alone.generateReference(prompt, budgets[0], List.of());
                    CandidateAnswer a = alone.answerAndCompare(prompt, r, budgets[1], List.of(), () -> {});
                    CandidateAnswer v = verified.answerAndCompare(prompt, r, budgets[1], List.of(), () -> {});
                    String label = perturb + " / " + text + " / " + Arrays.toString(budgets);
                    assertThat(v.answer().tokens())
                            .as(label)
                            .containsExactly(a.answer().tokens());
                    assertThat(v.answer().text()).as(label).isEqualTo(a.answer().text());
                    assertThat(v.answer().finish())
                            .as(label)
                            .isEqualTo(a.answer().finish());
                    assertThat(v.answer().topK())
                            .as(label)
                            .hasSameSizeAs(a.answer().topK());
                    for (int i = 0; i < a.answer().topK().size(); i++) {
                        assertThat(v.answer().topK().get(i))
                                .as("%s step %d", label, i)
                                .containsExactly(a.answer().topK().get(i));
                    }
                    assertThat(v.forced().kl())
                            .as(label)
                            .containsExactly(a.forced().kl());
                    assertThat(v.forced().candidateLogprob())
                            .as(label)
                            .containsExactly(a.forced().candidateLogprob());
                    assertThat(v.forced().candidateTopIds())
                            .as(label)
                            .isDeepEqualTo(a.forced().candidateTopIds());
                    boolean same = Arrays.equals(a.answer().tokens(), r.tokens());
                    diverged += same ? 0 : 1;
                    whole += same && r.tokens().length > 0 ? 1 : 0;
                }
            }
        }
        assertThat(diverged).as("answers that left the reference's").isPositive();
        assertThat(whole).as("answers equal to the reference's").isPositive();
    }

    @Test
    void theNpuCandidateIsCompiledWithNpuwPropertiesAndLongPromptsAreSkippedNotFatal() {
        Side ref = side("ref", 0, StubOpenVino.Weights.FP16, "CPU");
        ShadowPipelines npu = OpenVinoPipelines.pair(
                LIB, OpenVinoPipelines.Binding.C_API, ref, side("npu", 0.7, StubOpenVino.Weights.INT4_SYM, "NPU"));
        assertThat(STUB.stub_last_compile_properties())
                .isEqualTo("NPU_USE_NPUW=YES;NPUW_LLM=YES;NPUW_LLM_MAX_PROMPT_LEN=16;NPUW_LLM_MIN_RESPONSE_LEN=8");
        Map<String, ShadowPipelines> pairs = new LinkedHashMap<>();
        pairs.put("npu-int4", npu);
        try (ShadowRunner runner = new ShadowRunner(pairs, 24, Duration.ofSeconds(30))) {
            ShadowOutcome shortOne = runner.shadow(prompt("the weather in paris"));
            assertThat(shortOne)
                    .isInstanceOfSatisfying(
                            ShadowOutcome.Shadowed.class,
                            c -> assertThat(c.outcomes()).singleElement().isInstanceOf(ShadowOutcome.Compared.class));
            ShadowOutcome longOne = runner.shadow(
                    prompt("the weather in paris is sunny and the sky is clear today and tomorrow rain in rome"));
            assertThat(longOne)
                    .isInstanceOfSatisfying(
                            ShadowOutcome.Shadowed.class,
                            c -> assertThat(c.outcomes())
                                    .singleElement()
                                    .isInstanceOfSatisfying(
                                            ShadowOutcome.Skipped.class,
                                            k -> assertThat(k.reason())
                                                    .contains("18 tokens")
                                                    .contains("at most 16")));
        }
    }

    @Test
    void asymmetricInt4IsRefusedForTheNpuWithTheReasonButNotForTheCpu() {
        Side ref = side("ref", 0, StubOpenVino.Weights.FP16, "CPU");
        assertThatThrownBy(() ->
                        OpenVinoPipelines.checkFolders(ref, side("asym", 0.5, StubOpenVino.Weights.INT4_ASYM, "NPU")))
                .isInstanceOf(OpenVinoUnavailableException.class)
                .hasMessageContaining("asymmetric INT4")
                .hasMessageContaining("--sym");
        OpenVinoPipelines.checkFolders(ref, side("asym-cpu", 0.5, StubOpenVino.Weights.INT4_ASYM, "CPU"));
        OpenVinoPipelines.checkFolders(ref, side("sym", 0.5, StubOpenVino.Weights.INT4_SYM, "NPU"));
        OpenVinoPipelines.checkFolders(ref, side("legacy", 0.5, StubOpenVino.Weights.INT4_SYM_LEGACY_U4, "NPU"));
    }

    @Test
    void startUpErrorsSayWhatToDo() throws Exception {
        STUB.stub_set_devices("CPU");
        Side ref = side("ref", 0, StubOpenVino.Weights.FP16, "CPU");
        assertThatThrownBy(() -> OpenVinoPipelines.pair(
                        LIB,
                        OpenVinoPipelines.Binding.C_API,
                        ref,
                        side("npu", 0.5, StubOpenVino.Weights.INT4_SYM, "NPU")))
                .hasMessageContaining("device NPU is not present; OpenVINO sees [CPU]")
                .hasMessageContaining("NPU driver");
        Side broken = side("broken", 0.5, StubOpenVino.Weights.INT4_SYM, "CPU");
        Files.delete(broken.folder().resolve("tokenizer.json"));
        assertThatThrownBy(() -> OpenVinoPipelines.checkFolders(ref, broken))
                .hasMessageContaining("is incomplete: tokenizer.json is missing");
        Side other = side("other", 0.5, StubOpenVino.Weights.INT4_SYM, "CPU");
        Files.writeString(
                other.folder().resolve("tokenizer.json"),
                Files.readString(other.folder().resolve("tokenizer.json")).replace("fish", "bird"));
        assertThatThrownBy(() -> OpenVinoPipelines.checkFolders(ref, other))
                .hasMessageContaining("different tokenizer.json");
    }

    private static PromptEvent prompt(String text) {
        return PromptEvent.newBuilder()
                .setRequestId("r")
                .setTenant("t")
                .setModel("m")
                .setPrompt(text)
                .setMaxTokens(24)
                .setEventTime(Instant.EPOCH)
                .build();
    }

    @Test
    void f16OrSlicedLogitsAreRefusedBeforeNativeMemoryIsRead() {
        Side ref = side("ref-out", 0, StubOpenVino.Weights.FP16, "CPU");
        ShadowPipelines pair = OpenVinoPipelines.pair(
                LIB, OpenVinoPipelines.Binding.C_API, ref, side("cand-out", 1.5, StubOpenVino.Weights.FP16, "GPU"));
        int[] prompt = pair.encodePrompt("the weather in paris is");
        DecodeOutput r = pair.generateReference(prompt, 8, List.of());
        try {
            STUB.stub_set_logits("f16");
            assertThatThrownBy(() -> pair.teacherForce(prompt, r.tokens()))
                    .isInstanceOf(OpenVinoUnavailableException.class)
                    .hasMessageContaining("the logits output is f16")
                    .hasMessageContaining("INFERENCE_PRECISION_HINT=f32");

            STUB.stub_set_logits("last"); // one row where the comparison reads one per fed position
            assertThatThrownBy(() -> pair.teacherForce(prompt, r.tokens()))
                    .isInstanceOf(OpenVinoUnavailableException.class)
                    .hasMessageContaining("of an output with 1 rows")
                    .hasMessageContaining("without slicing its logits");
        } finally {
            STUB.stub_set_logits("full");
        }
        assertThat(pair.teacherForce(prompt, r.tokens()).kl()).hasSize(r.tokens().length);
    }
}
