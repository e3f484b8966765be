package io.quantwatch.connectors.openvino;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.openvino.OpenVinoPipelines.Binding;
import io.quantwatch.connectors.openvino.OpenVinoPipelines.Side;
import io.quantwatch.detectors.DecodeOutput;
import io.quantwatch.detectors.TeacherForcedScores;
import io.quantwatch.detectors.port.ShadowPipelines;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The openvino_contrib Java bindings path, against test doubles of {@code org.intel.openvino} with
 * the bindings' public signatures that run on the same C test library: chosen automatically when
 * the classes are present, same tokens and the same exact KL as the C API path, NPU properties
 * passed through {@code set_property}.
 */
class OpenVinoJavaBindingsTest {
    private static final StubOpenVino.Control STUB = StubOpenVino.control();
    private static final String LIB = StubOpenVino.library().toString();

    @TempDir
    Path dir;

    @Test
    void theJavaBindingsAreUsedWhenPresentAndAgreeWithTheCApiPath() {
        STUB.stub_set_devices("CPU,NPU");
        assertThat(JavaBindingsLlm.available()).isTrue();
        Side ref = new Side(StubOpenVino.folder(dir.resolve("ref"), 0, StubOpenVino.Weights.FP16), "CPU", null);
        Side cand = new Side(
                StubOpenVino.folder(dir.resolve("int4"), 1.5, StubOpenVino.Weights.INT4_SYM),
                "NPU",
                new NpuSettings(32, 8));
        ShadowPipelines viaJava = OpenVinoPipelines.pair(LIB, Binding.AUTO, ref, cand);
        assertThat(STUB.stub_last_compile_properties())
                .isEqualTo("NPU_USE_NPUW=YES;NPUW_LLM=YES;NPUW_LLM_MAX_PROMPT_LEN=32;NPUW_LLM_MIN_RESPONSE_LEN=8");
        ShadowPipelines viaC = OpenVinoPipelines.pair(LIB, Binding.C_API, ref, cand);

        int[] prompt = viaJava.encodePrompt("the weather in rome today");
        DecodeOutput refJava = viaJava.generateReference(prompt, 30, List.of());
        DecodeOutput candJava = viaJava.generateCandidate(prompt, 30, List.of());
        assertThat(refJava.tokens())
                .containsExactly(viaC.generateReference(prompt, 30, List.of()).tokens());
        assertThat(candJava.tokens())
                .containsExactly(viaC.generateCandidate(prompt, 30, List.of()).tokens());
        TeacherForcedScores javaScores = viaJava.teacherForce(prompt, refJava.tokens());
        TeacherForcedScores cScores = viaC.teacherForce(prompt, refJava.tokens());
        assertThat(javaScores.kl()).containsExactly(cScores.kl());
        assertThat(javaScores.sameTop1()).containsExactly(cScores.sameTop1());
        assertThat(Arrays.stream(javaScores.kl()).max().orElse(0)).isPositive();
    }
}
