package io.quantwatch.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.model.RandomLlamaGguf;
import io.quantwatch.engine.tensor.HalfFloat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GGUF writer and memory-mapped reader agree, and broken files fail with the file, tensor and type named. */
class GgufFileTest {
    @TempDir
    Path dir;

    private Path writeSample(GgmlType type) {
        Path f = dir.resolve("sample-" + type + ".gguf");
        int cols = sampleRow(type);
        float[] values = new float[2 * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i - 32) / 8f;
        }
        new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("some.number", GgufValue.uint32(7))
                .put("some.list", GgufValue.array(GgufValueType.STRING, List.of("a", "ü", "😀")))
                .addTensor("w", type, new long[] {cols, 2}, values)
                .write(f);
        return f;
    }

    /** The sample's row length: 32, or one K-quant super-block. */
    private static int sampleRow(GgmlType type) {
        return Math.max(32, type.blockSize());
    }

    @Test
    void metadataAndTensorsRoundTrip() {
        for (GgmlType type : GgmlType.values()) {
            try (GgufFile g = GgufFile.open(writeSample(type))) {
                assertThat(g.version()).isEqualTo(3);
                assertThat(g.requireLong("some.number")).isEqualTo(7);
                assertThat(g.require("some.list").asList()).isEqualTo(List.of("a", "ü", "😀"));
                GgufTensorInfo t = g.tensor("w");
                assertThat(t.shape()).containsExactly(sampleRow(type), 2);
                assertThat(t.type()).isEqualTo(type);
                assertThat(g.tensorData(t).remaining()).isEqualTo((int) type.bytesFor(2L * sampleRow(type)));
            }
        }
    }

    @Test
    void q8_0BlocksMatchLlamaCppsReferenceLayout() {
        float[] block = new float[32];
        block[0] = 1.27f;
        block[1] = -0.635f;
        byte[] bytes = GgufWriter.encode(GgmlType.Q8_0, block);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(HalfFloat.toFloat(b.getShort(0))).isCloseTo(0.01f, Assertions.within(1e-5f));
        assertThat(bytes[2]).isEqualTo((byte) 127);
        assertThat(bytes[3]).isEqualTo((byte) -64); // roundf(-63.5) = -64: halves away from zero, as in C
    }

    @Test
    void notGgufIsRefusedNamingTheFile() throws IOException {
        Path f = dir.resolve("text.gguf");
        Files.writeString(f, "this is not a model file at all, just text");
        assertThatThrownBy(() -> GgufFile.open(f))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("not a GGUF file");
    }

    @Test
    void truncatedFileIsRefused() throws IOException {
        Path f = writeSample(GgmlType.F32);
        byte[] all = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.gguf");
        Files.write(cut, Arrays.copyOf(all, all.length - 100));
        assertThatThrownBy(() -> GgufFile.open(cut))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("truncated");
        Path header = dir.resolve("header.gguf");
        Files.write(header, Arrays.copyOf(all, 40));
        assertThatThrownBy(() -> GgufFile.open(header))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining(header.toString());
    }

    @Test
    void unsupportedTensorTypeIsRefusedNamingFileTensorAndType() throws IOException {
        Path f = writeSample(GgmlType.F32);
        byte[] all = Files.readAllBytes(f);
        // Patch the tensor's type id (F32 = 0) to Q3_K (11); it sits right before the 8-byte offset.
        int nameAt = indexOf(all, "w".getBytes(), findDirectoryStart(all));
        int typeAt = nameAt + 1 + 4 + 16; // name, n_dims, two dims
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putInt(typeAt, 11);
        Path patched = dir.resolve("q3k.gguf");
        Files.write(patched, all);
        assertThatThrownBy(() -> GgufFile.open(patched))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining(patched.toString())
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("Q3_K");
    }

    @Test
    void missingTensorAndForeignArchitectureAreRefusedByName() throws IOException {
        Path f = writeSample(GgmlType.F32);
        assertThatThrownBy(() -> LlamaModel.load(f))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("missing");
        Path gpt = dir.resolve("gpt.gguf");
        new GgufWriter().put("general.architecture", GgufValue.string("gpt2")).write(gpt);
        assertThatThrownBy(() -> LlamaModel.load(gpt)).hasMessageContaining("architecture 'gpt2' is not supported");
        Path model = dir.resolve("model.gguf");
        RandomLlamaGguf.write(new RandomLlamaGguf.Spec(64, 128, 1, 2, 1, 300, 64, 1, false), GgmlType.F32, model);
        try (GgufFile g = GgufFile.open(model)) {
            assertThatThrownBy(() -> g.tensor("blk.9.attn_q.weight"))
                    .hasMessageContaining("missing tensor 'blk.9.attn_q.weight'")
                    .hasMessageContaining(model.toString());
        }
    }

    private static int findDirectoryStart(byte[] all) {
        return indexOf(all, "some.list".getBytes(), 0) + 9;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            // a tensor name is preceded by its u64 length
            if (needle.length == 1 && !(hay[i - 8] == 1 && hay[i - 7] == 0)) {
                continue;
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void lazyTensorsAreMadeAtWriteTimeInOrderAndARemovedOneNever() {
        List<String> made = new java.util.ArrayList<>();
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", GgufValue.string("llama"));
        w.addTensor("a", GgmlType.F32, new long[] {4}, () -> {
            made.add("a");
            return new float[] {1, 2, 3, 4};
        });
        w.addTensor("b", GgmlType.F16, new long[] {2, 2}, () -> {
            made.add("b");
            return new float[] {0.5f, -1, 2, 8};
        });
        w.addTensor("c", GgmlType.F32, new long[] {4}, () -> {
            made.add("c");
            return new float[4];
        });
        w.removeTensor("c");
        assertThat(made).as("nothing is made before the file is written").isEmpty();
        Path file = dir.resolve("lazy.gguf");
        w.write(file);
        assertThat(made).containsExactly("a", "b");
        try (GgufFile f = GgufFile.open(file)) {
            assertThat(f.tensors()).containsOnlyKeys("a", "b");
            ByteBuffer b = f.tensorData(f.tensor("b"));
            assertThat(HalfFloat.toFloat(b.getShort(6))).isEqualTo(8f);
        }
        assertThatThrownBy(() -> new GgufWriter().removeTensor("x")).hasMessageContaining("no tensor 'x' to remove");
        GgufWriter wrong = new GgufWriter();
        wrong.addTensor("short", GgmlType.F32, new long[] {4}, () -> new float[3]);
        assertThatThrownBy(() -> wrong.write(dir.resolve("wrong.gguf")))
                .hasMessageContaining("tensor 'short': shape holds 4 values but 3 were given");
    }
}
