package io.quantwatch.connectors.openvino;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.openvino.OpenVinoPipelines.Side;
import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.TeacherForcedScores;
import io.quantwatch.detectors.port.ShadowPipelines;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Needs a real OpenVINO install and an optimum-cli export, so it runs only where they exist
 * (never in this project's CI, which has neither): {@code OPENVINO_LIB} = libopenvino_c.so or its
 * folder, {@code OPENVINO_TEST_MODEL} = an FP16 export folder; optionally
 * {@code OPENVINO_TEST_NPU_MODEL} = an INT4 sym export to run on the host's NPU. See the README.
 */
@EnabledIfEnvironmentVariable(named = "OPENVINO_LIB", matches = ".+")
@EnabledIfEnvironmentVariable(named = "OPENVINO_TEST_MODEL", matches = ".+")
class OpenVinoRealInstallTest {
    private static final Path MODEL = Path.of(System.getenv().getOrDefault("OPENVINO_TEST_MODEL", "."));

    @Test
    void realOpenVinoOnCpuAgreesWithItselfExactly() {
        Side cpu = new Side(MODEL, "CPU", null);
        ShadowPipelines pair = OpenVinoPipelines.pair(null, OpenVinoPipelines.Binding.C_API, cpu, cpu);
        int[] prompt = pair.encodePrompt("Write one sentence about the weather in Paris.");
        DecodeOutput ref = pair.generateReference(prompt, 32, List.of());
        DecodeOutput cand = pair.generateCandidate(prompt, 32, List.of());
        assertThat(cand.tokens()).containsExactly(ref.tokens());
        TeacherForcedScores s = pair.teacherForce(prompt, ref.tokens());
        assertThat(Arrays.stream(s.kl()).max().orElse(0)).isLessThan(1e-4);
        System.out.println("real OpenVINO CPU: " + ref.tokens().length + " tokens: " + ref.text());
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "OPENVINO_TEST_NPU_MODEL", matches = ".+")
    void anInt4ExportOnTheNpuIsComparedWithTheFp16ReferenceOnCpu() {
        Side cpu = new Side(MODEL, "CPU", null);
        Side npu = new Side(Path.of(System.getenv("OPENVINO_TEST_NPU_MODEL")), "NPU", new NpuSettings(1024, 128));
        ShadowPipelines pair = OpenVinoPipelines.pair(null, OpenVinoPipelines.Binding.C_API, cpu, npu);
        int[] prompt = pair.encodePrompt("Return a JSON object with the keys city and temperature for Paris.");
        DecodeOutput ref = pair.generateReference(prompt, 64, List.of());
        TeacherForcedScores s = pair.teacherForce(prompt, ref.tokens());
        double meanKl = Arrays.stream(s.kl()).average().orElse(0);
        System.out.printf(
                "NPU INT4 vs CPU FP16: mean KL %.5f over %d tokens; candidate: %s%n",
                meanKl,
                ref.tokens().length,
                pair.generateCandidate(prompt, 64, List.of()).text());
        assertThat(meanKl).isFinite().isGreaterThanOrEqualTo(0);
    }
}
