package io.quantwatch.connectors.openvino;

import io.quantwatch.detectors.port.ShadowPipelines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds openvino pipeline pairs, checking at start what would otherwise fail later: folders
 * complete, one tokenizer for both, no asymmetric 4-bit weights on an NPU, the device present.
 * The loaded library, its core, compiled models and tokenizers are cached per JVM (like the
 * engine's {@code ModelCache}): compiling an LLM for an NPU takes minutes and every shadow subtask
 * of a task manager shares one.
 */
public final class OpenVinoPipelines {
    private static final Map<String, OpenVinoRuntime> RUNTIMES = new ConcurrentHashMap<>();
    private static final Map<String, OpenVinoRuntime.Core> CORES = new ConcurrentHashMap<>();
    private static final Map<String, CompiledLlm> COMPILED = new ConcurrentHashMap<>();
    private static final Map<String, Object> BINDING_CORES = new ConcurrentHashMap<>();
    private static final Map<String, HfTokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    private OpenVinoPipelines() {}

    /**
     * Closes and forgets every compiled model, tokenizer and core (the job's classloader is being released: no task of
     * the job runs any more). The loaded libraries stay: a native library cannot be unloaded from a JVM.
     */
    public static void releaseAll() {
        for (Map<String, ?> cache : List.of(COMPILED, TOKENIZERS, CORES, BINDING_CORES)) {
            cache.values().forEach(OpenVinoPipelines::closeQuietly);
            cache.clear();
        }
    }

    private static void closeQuietly(Object o) {
        if (o instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // Releasing: what fails to close is left to the JVM.
            }
        }
    }

    /** What the checks need to know about one side: its folder, device and (for NPU) its static lengths. */
    public record Side(Path folder, String device, NpuSettings npu) {}

    /** Both export folders of a pair, opened and checked. */
    public record Folders(OpenVinoModelFolder reference, OpenVinoModelFolder candidate) {}

    /**
     * Checks that need no OpenVINO library (configuration time): both folders are complete, share one
     * tokenizer, and the candidate is not asymmetric 4-bit when it targets an NPU. Throws with the reason.
     */
    public static Folders checkFolders(Side reference, Side candidate) {
        OpenVinoModelFolder ref = OpenVinoModelFolder.open(reference.folder());
        OpenVinoModelFolder cand = OpenVinoModelFolder.open(candidate.folder());
        if (isNpu(candidate.device())) {
            IrWeightFormat w = IrWeightFormat.read(cand.xml());
            if (w.asymmetric4Bit()) {
                throw new OpenVinoUnavailableException(
                        cand.xml() + " holds asymmetric INT4 weights (" + w.u4ZeroPoints()
                                + " layers with per-group u4 zero points); NPU plugins run symmetric 4-bit only: re-export with "
                                + "`optimum-cli export openvino --weight-format int4 --sym …`, or run this candidate on CPU or GPU");
            }
        }
        try {
            if (Files.mismatch(ref.tokenizer(), cand.tokenizer()) != -1) {
                throw new OpenVinoUnavailableException(
                        "the reference (" + ref.tokenizer() + ") and the candidate (" + cand.tokenizer()
                                + ") have different tokenizer.json files: token-by-token comparison needs the same tokenizer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Folders(ref, cand);
    }

    /** Which binding runs OpenVINO: the C API through JNA, the openvino_contrib Java bindings, or the latter when present. */
    public enum Binding {
        AUTO,
        C_API,
        JAVA
    }

    /** As {@link #pair(String, Binding, Side, Side, boolean)} with {@link Binding#AUTO}, candidates decoded alone. */
    public static ShadowPipelines pair(String library, Side reference, Side candidate) {
        return pair(library, Binding.AUTO, reference, candidate, false);
    }

    /** As {@link #pair(String, Binding, Side, Side, boolean)}, candidates decoded alone. */
    public static ShadowPipelines pair(String library, Binding binding, Side reference, Side candidate) {
        return pair(library, binding, reference, candidate, false);
    }

    /**
     * A ready pair: checks, loads the binding, verifies the devices and compiles both models (cached per JVM);
     * {@code verifyCandidate} as in {@link OpenVinoShadowPair}.
     */
    public static ShadowPipelines pair(
            String library, Binding binding, Side reference, Side candidate, boolean verifyCandidate) {
        Folders folders = checkFolders(reference, candidate);
        if (binding == Binding.JAVA && !JavaBindingsLlm.available()) {
            throw new OpenVinoUnavailableException("openvino.binding is java but " + JavaBindingsLlm.CORE_CLASS
                    + " is not on the classpath: " + "add the openvino_contrib java_api jar, or use c-api");
        }
        boolean java = binding == Binding.JAVA || (binding == Binding.AUTO && JavaBindingsLlm.available());
        Compiler compiler = java ? javaBindings() : cApi(library, reference, candidate);
        CompiledLlm ref = compiler.compile(folders.reference(), reference);
        CompiledLlm cand = compiler.compile(folders.candidate(), candidate);
        OpenVinoModelFolder refFolder = folders.reference();
        HfTokenizer tokenizer = TOKENIZERS.computeIfAbsent(
                refFolder.tokenizer().toAbsolutePath().toString(), k -> new HfTokenizer(refFolder.tokenizer()));
        return new OpenVinoShadowPair(
                "openvino:" + reference.folder().toAbsolutePath() + "@" + reference.device(),
                ref,
                cand,
                tokenizer,
                refFolder,
                isNpu(candidate.device()) ? candidate.npu() : null,
                verifyCandidate);
    }

    /** Compiles one side's model with one binding (through the per-JVM cache). */
    private interface Compiler {
        CompiledLlm compile(OpenVinoModelFolder folder, Side side);
    }

    private static Compiler javaBindings() {
        Object core = BINDING_CORES.computeIfAbsent("core", k -> JavaBindingsLlm.newCore());
        return (folder, side) -> COMPILED.computeIfAbsent(
                "java:" + key(folder, side),
                k -> JavaBindingsLlm.compile(core, folder.xml(), side.device(), properties(side)));
    }

    /** The C API binding, after checking that both devices are present. */
    private static Compiler cApi(String library, Side reference, Side candidate) {
        OpenVinoRuntime runtime =
                RUNTIMES.computeIfAbsent(library == null ? "" : library, OpenVinoRuntime::locateAndLoad);
        OpenVinoRuntime.Core core = CORES.computeIfAbsent(runtime.library().toString(), k -> runtime.newCore());
        List<String> devices = core.availableDevices();
        for (Side s : List.of(reference, candidate)) {
            if (devices.stream().noneMatch(d -> d.equals(s.device()) || d.startsWith(s.device() + "."))) {
                throw new OpenVinoUnavailableException(
                        "device " + s.device() + " is not present; OpenVINO sees " + devices
                                + (isNpu(s.device()) ? " (an NPU needs the Intel NPU driver; check /dev/accel)" : ""));
            }
        }
        return (folder, side) -> COMPILED.computeIfAbsent("c:" + key(folder, side), k -> {
            try (OpenVinoRuntime.Model model = core.readModel(folder.xml())) {
                return new StatefulLlm(core.compile(model, side.device(), properties(side)));
            }
        });
    }

    private static Map<String, String> properties(Side side) {
        return isNpu(side.device()) && side.npu() != null ? side.npu().properties() : Map.of();
    }

    private static String key(OpenVinoModelFolder folder, Side side) {
        return folder.xml().toAbsolutePath() + "@" + side.device() + properties(side);
    }

    static boolean isNpu(String device) {
        return device != null && (device.equals("NPU") || device.startsWith("NPU."));
    }
}
