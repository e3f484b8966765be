package io.quantwatch.connectors.openvino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JNA binding against the C test library: marshalling of shapes, tensors and varargs
 * properties, every status turned into an exception with OpenVINO's message, and every native
 * object freed exactly once.
 */
class OpenVinoBindingStubTest {
    private static final StubOpenVino.Control STUB = StubOpenVino.control();
    private final OpenVinoRuntime runtime = OpenVinoRuntime.load(StubOpenVino.library());

    @TempDir
    Path dir;

    @BeforeEach
    void devices() {
        STUB.stub_set_devices("CPU,GPU");
    }

    @Test
    void listsDevicesAndFreesTheList() {
        long before = STUB.stub_live_objects();
        try (OpenVinoRuntime.Core core = runtime.newCore()) {
            assertThat(core.availableDevices()).containsExactly("CPU", "GPU");
        }
        assertThat(STUB.stub_live_objects()).isEqualTo(before);
        assertThat(STUB.stub_double_frees()).isZero();
    }

    @Test
    void aFailedCallCarriesFunctionStatusAndOpenVinosMessageAndFreesTheMessage() {
        long before = STUB.stub_live_objects();
        try (OpenVinoRuntime.Core core = runtime.newCore()) {
            assertThatThrownBy(() -> core.readModel(dir.resolve("missing.xml")))
                    .isInstanceOf(OpenVinoException.class)
                    .hasMessageStartingWith("ov_core_read_model failed with GENERAL_ERROR (-1)")
                    .hasMessageContaining("missing.xml cannot be opened");
            Path folder = StubOpenVino.folder(dir.resolve("m"), 0, StubOpenVino.Weights.FP16);
            try (OpenVinoRuntime.Model model = core.readModel(folder.resolve("openvino_model.xml"))) {
                assertThatThrownBy(() -> core.compile(model, "NPU", Map.of()))
                        .hasMessageContaining("ov_core_compile_model(NPU)")
                        .hasMessageContaining("not registered");
            }
        }
        assertThat(STUB.stub_live_objects()).isEqualTo(before);
    }

    @Test
    void statefulInferenceMarshalsEveryInputAndKeepsStatePerRequest() {
        Path folder = StubOpenVino.folder(dir.resolve("m"), 0, StubOpenVino.Weights.FP16);
        long before = STUB.stub_live_objects();
        try (OpenVinoRuntime.Core core = runtime.newCore();
                OpenVinoRuntime.Model model = core.readModel(folder.resolve("openvino_model.xml"));
                OpenVinoRuntime.CompiledModel compiled =
                        core.compile(model, "CPU", Map.of("PERFORMANCE_HINT", "LATENCY"))) {
            assertThat(STUB.stub_last_compile_properties()).isEqualTo("PERFORMANCE_HINT=LATENCY");
            StatefulLlm llm = new StatefulLlm(compiled);
            float[] whole;
            float[] stepwise;
            try (StatefulLlm.Session s = llm.newSession();
                    OutputTensor out = s.feed(new int[] {2, 3, 5, 7})) {
                assertThat(out.shape()).containsExactly(1, 4, StubOpenVino.WORDS.length);
                whole = out.row(3, new float[StubOpenVino.WORDS.length]);
            }
            try (StatefulLlm.Session s = llm.newSession()) {
                s.feed(new int[] {2, 3}).close();
                try (OutputTensor out = s.feed(new int[] {5, 7})) { // attention mask and positions continue the state
                    stepwise = out.row(1, new float[StubOpenVino.WORDS.length]);
                }
                assertThat(s.length()).isEqualTo(4);
            }
            assertThat(stepwise).containsExactly(whole);
            try (StatefulLlm.Session fresh = llm.newSession();
                    OutputTensor out = fresh.feed(new int[] {2, 3, 5, 7})) {
                assertThat(out.row(3, new float[StubOpenVino.WORDS.length]))
                        .containsExactly(whole); // no state leaks between requests
            }
        }
        assertThat(STUB.stub_live_objects()).isEqualTo(before);
        assertThat(STUB.stub_double_frees()).isZero();
    }

    @Test
    void closingTwiceFreesOnceAndUseAfterCloseIsAnErrorNotACrash() {
        long before = STUB.stub_live_objects();
        OpenVinoRuntime.Core core = runtime.newCore();
        core.close();
        core.close();
        assertThat(STUB.stub_double_frees()).isZero();
        assertThat(STUB.stub_live_objects()).isEqualTo(before);
        assertThatThrownBy(core::availableDevices)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already closed");
    }

    @Test
    void badTokenIdsAreRejectedByOpenVinoWithItsMessage() {
        Path folder = StubOpenVino.folder(dir.resolve("m"), 0, StubOpenVino.Weights.FP16);
        try (OpenVinoRuntime.Core core = runtime.newCore();
                OpenVinoRuntime.Model model = core.readModel(folder.resolve("openvino_model.xml"));
                OpenVinoRuntime.CompiledModel compiled = core.compile(model, "CPU", Map.of());
                StatefulLlm.Session s = new StatefulLlm(compiled).newSession()) {
            assertThatThrownBy(() -> s.feed(new int[] {2, 999}))
                    .isInstanceOf(OpenVinoException.class)
                    .hasMessageContaining("ov_infer_request_infer")
                    .hasMessageContaining("outside the vocabulary");
        }
    }

    @Test
    void aMissingLibraryListsWhereItLookedAndHowToInstall() {
        OpenVinoLibraryLocator locator = new OpenVinoLibraryLocator();
        assertThatThrownBy(() -> locator.locate(
                        null, Map.of("OPENVINO_LIB", dir.resolve("nowhere").toString(), "HOME", dir.toString())))
                .isInstanceOf(OpenVinoUnavailableException.class)
                .hasMessageContaining(dir.resolve("nowhere").toString())
                .hasMessageContaining("/opt/intel/openvino/runtime/lib/intel64")
                .hasMessageContaining("pip install openvino")
                .hasMessageContaining("OPENVINO_LIB");
        assertThat(new OpenVinoLibraryLocator()
                        .locate(
                                null,
                                Map.of(
                                        "OPENVINO_LIB",
                                        StubOpenVino.library().getParent().toString())))
                .isEqualTo(StubOpenVino.library());
    }
}
