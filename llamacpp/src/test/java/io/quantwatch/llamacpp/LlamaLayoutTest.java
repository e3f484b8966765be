package io.quantwatch.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binding's structs laid out as the bundled build's own llama.h lays them out: a C program compiled with gcc
 * against that header (from the source of the same build, node-llama-cpp's git bundle) and linked to the bundled
 * library prints each field's offset, the struct's size and the default values llama.cpp returns; the same defaults
 * read through JNA must be equal, field by field.
 */
class LlamaLayoutTest {
    private static final Path BUNDLE = Path.of("target/npm/node-llama-cpp/llama/gitRelease.bundle");

    @TempDir
    static Path dir;

    private static Map<String, String> probe;

    @BeforeAll
    static void compileAndRunTheProbe() throws Exception {
        assertThat(BUNDLE)
                .as("the llama.cpp source (tools/npm/llama-cpp-source.txt) is fetched by the build")
                .exists();
        Path source = dir.resolve("src");
        run(dir, "git", "init", "-q", "--bare", "repo.git");
        run(
                dir.resolve("repo.git"),
                "git",
                "fetch",
                "-q",
                BUNDLE.toAbsolutePath().toString(),
                "HEAD:refs/heads/build");
        run(
                dir.resolve("repo.git"),
                "git",
                "archive",
                "-o",
                dir.resolve("headers.tar").toString(),
                "build",
                "include",
                "ggml/include");
        Files.createDirectories(source);
        run(source, "tar", "-xf", dir.resolve("headers.tar").toString());

        StringBuilder c =
                new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include \"llama.h\"\nint main(void) {\n");
        c.append("  struct llama_model_params m = llama_model_default_params();\n");
        c.append("  struct llama_context_params x = llama_context_default_params();\n");
        c.append("  struct llama_model_quantize_params q = llama_model_quantize_default_params();\n");
        probeStruct(c, "llama_model_params", "m", LlamaModelParams.class);
        probeStruct(c, "llama_context_params", "x", LlamaContextParams.class);
        probeStruct(c, "llama_batch", null, LlamaBatch.class);
        probeStruct(c, "llama_model_quantize_params", "q", LlamaQuantizeParams.class);
        c.append("  return 0;\n}\n");
        Files.writeString(dir.resolve("probe.c"), c.toString());
        Path libs = LlamaNatives.get().directory();
        run(
                dir,
                "gcc",
                "-std=c11",
                "-o",
                "probe",
                "probe.c",
                "-I",
                source.resolve("include").toString(),
                "-I",
                source.resolve("ggml/include").toString(),
                "-L",
                libs.toString(),
                "-l:libllama.v0.4.0.so",
                "-Wl,-rpath," + libs);
        probe = new LinkedHashMap<>();
        for (String line : run(dir, dir.resolve("probe").toString()).split("\n")) {
            int eq = line.indexOf('=');
            probe.put(line.substring(0, eq), line.substring(eq + 1));
        }
    }

    /** Lines {@code struct.field@offset=N}, {@code struct@size=N} and, with a default instance, {@code struct.field=value}. */
    private static void probeStruct(StringBuilder c, String struct, String instance, Class<?> type) {
        c.append("  printf(\"%s@size=%zu\\n\", \"")
                .append(struct)
                .append("\", sizeof(struct ")
                .append(struct)
                .append("));\n");
        for (String name : type.getAnnotation(Structure.FieldOrder.class).value()) {
            c.append("  printf(\"%s.%s@offset=%zu\\n\", \"")
                    .append(struct)
                    .append("\", \"")
                    .append(name)
                    .append("\", offsetof(struct ")
                    .append(struct)
                    .append(", ")
                    .append(name)
                    .append("));\n");
            if (instance == null) {
                continue;
            }
            Class<?> fieldType = field(type, name).getType();
            // Floats as their bits, so both sides print them the same way.
            String format = fieldType == Pointer.class || fieldType == long.class ? "%zu" : "%d";
            String value = fieldType == Pointer.class
                    ? "(size_t) " + instance + "." + name
                    : fieldType == byte.class
                            ? "(int) " + instance + "." + name
                            : fieldType == float.class
                                    ? "*(const int *) &" + instance + "." + name
                                    : instance + "." + name;
            c.append("  printf(\"%s.%s=")
                    .append(format)
                    .append("\\n\", \"")
                    .append(struct)
                    .append("\", \"")
                    .append(name)
                    .append("\", ")
                    .append(value)
                    .append(");\n");
        }
    }

    private static Field field(Class<?> type, String name) {
        try {
            return type.getField(name);
        } catch (NoSuchFieldException e) {
            throw new AssertionError(type.getSimpleName() + " declares no field " + name, e);
        }
    }

    private static String run(Path in, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(in.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }

    private static void assertLayout(String struct, Structure jna) throws Exception {
        List<String> mismatches = new ArrayList<>();
        for (String name : jna.getClass().getAnnotation(Structure.FieldOrder.class) == null
                ? jna.getClass()
                        .getSuperclass()
                        .getAnnotation(Structure.FieldOrder.class)
                        .value()
                : jna.getClass().getAnnotation(Structure.FieldOrder.class).value()) {
            int ours = (int) jna.getClass().getMethod("offsetOf", String.class).invoke(jna, name);
            String theirs = probe.get(struct + "." + name + "@offset");
            if (!String.valueOf(ours).equals(theirs)) {
                mismatches.add(name + ": JNA " + ours + ", llama.h " + theirs);
            }
        }
        assertThat(mismatches).as("%s field offsets", struct).isEmpty();
        assertThat(String.valueOf(jna.size())).as("sizeof(struct %s)", struct).isEqualTo(probe.get(struct + "@size"));
    }

    private static void assertDefaults(String struct, Structure jna) throws Exception {
        jna.read();
        List<String> mismatches = new ArrayList<>();
        for (String name : jna.getClass()
                .getSuperclass()
                .getAnnotation(Structure.FieldOrder.class)
                .value()) {
            Object value = field(jna.getClass(), name).get(jna);
            String ours = value instanceof Pointer p
                    ? String.valueOf(Pointer.nativeValue(p))
                    : value == null
                            ? "0"
                            : value instanceof Float f
                                    ? String.valueOf(Float.floatToRawIntBits(f))
                                    : String.valueOf(value);
            String theirs = probe.get(struct + "." + name);
            if (!ours.equals(theirs)) {
                mismatches.add(name + ": JNA " + ours + ", C " + theirs);
            }
        }
        assertThat(mismatches)
                .as("%s defaults read through JNA vs compiled C", struct)
                .isEmpty();
    }

    @Test
    void modelParamsAreTheHeadersEightyBytes() throws Exception {
        LlamaModelParams.ByValue defaults = LlamaNatives.get().library().llama_model_default_params();
        assertLayout("llama_model_params", defaults);
        assertThat(defaults.size()).isEqualTo(80);
        assertThat(defaults.offsetOf("vocab_only")).isEqualTo(0x48);
        assertDefaults("llama_model_params", defaults);
        assertThat(defaults.n_gpu_layers).isEqualTo(-1);
        assertThat(defaults.use_extra_bufts).isEqualTo((byte) 1);
    }

    @Test
    void contextParamsMatchTheHeader() throws Exception {
        LlamaContextParams.ByValue defaults = LlamaNatives.get().library().llama_context_default_params();
        assertLayout("llama_context_params", defaults);
        assertDefaults("llama_context_params", defaults);
        assertThat(defaults.n_ctx).isEqualTo(512);
    }

    @Test
    void quantizeParamsMatchTheHeader() throws Exception {
        LlamaQuantizeParams.ByValue defaults = LlamaNatives.get().library().llama_model_quantize_default_params();
        assertLayout("llama_model_quantize_params", defaults);
        assertDefaults("llama_model_quantize_params", defaults);
        assertThat(defaults.ftype).isEqualTo(LlamaCppQuantizer.FileType.Q8_0.value);
    }

    @Test
    void batchMatchesTheHeader() throws Exception {
        assertLayout("llama_batch", new LlamaBatch.ByValue());
    }
}
