package io.quantwatch.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.gguf.GgufFormatException;
import io.quantwatch.engine.tensor.DotKernels;
import io.quantwatch.engine.tokenizer.Vocabulary;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A llama2.c checkpoint of the test model loads and computes exactly what its GGUF twin computes. */
class Llama2cLoaderTest {
    @TempDir
    Path dir;

    private final Path bin = Path.of("model.bin");
    private final Path tok = Path.of("tokenizer.bin");

    /** The test model written as a llama2.c checkpoint and tokenizer.bin in the temporary folder. */
    private LlamaModel writeLlama2c(LlamaModel source) throws IOException {
        writeCheckpoint(source, dir.resolve(bin));
        writeTokenizer(source.tokenizer().vocabulary(), dir.resolve(tok));
        return Llama2cLoader.load(dir.resolve(bin), dir.resolve(tok), DotKernels.preferred());
    }

    @Test
    void llama2cCheckpointMatchesTheGgufModelExactly() throws IOException {
        LlamaModel gguf = LlamaModel.load(TestModels.smallF32(), DotKernels.preferred());
        LlamaModel l2c = writeLlama2c(gguf);
        assertThat(l2c.config().kvHeads()).isEqualTo(2);
        int[] prompt = l2c.tokenizer().encode("hello llama two", true);
        assertThat(prompt).containsExactly(gguf.tokenizer().encode("hello llama two", true));
        try (InferenceSession a = gguf.newSession(1, 32);
                InferenceSession b = l2c.newSession(1, 32)) {
            for (int t : prompt) {
                float[] la = a.forward(t).clone();
                float[] lb = b.forward(t);
                assertThat(lb).containsExactly(la);
            }
        }
    }

    @Test
    void aConvertedCheckpointIsAGgufTheEngineReadsWithTheSameTokensAndLogits() throws IOException {
        LlamaModel l2c = writeLlama2c(LlamaModel.load(TestModels.smallF32(), DotKernels.preferred()));
        Path bin = dir.resolve(this.bin);
        Path tok = dir.resolve(this.tok);
        Path f32 = dir.resolve("model-f32.gguf");
        Path f16 = dir.resolve("model-f16.gguf");
        assertThat(Llama2cToGguf.convert(bin, tok, f32, GgmlType.F32)).isEqualTo(l2c.config());
        Llama2cToGguf.convert(bin, tok, f16, GgmlType.F16);
        LlamaModel exact = LlamaModel.load(f32, DotKernels.preferred());
        LlamaModel half = LlamaModel.load(f16, DotKernels.preferred());
        String text = "hello llama two, 3 times";
        int[] prompt = l2c.tokenizer().encode(text, true);
        assertThat(exact.tokenizer().encode(text, true)).containsExactly(prompt);
        assertThat(half.tokenizer().encode(text, true)).containsExactly(prompt);
        try (InferenceSession a = l2c.newSession(1, 32);
                InferenceSession b = exact.newSession(1, 32);
                InferenceSession h = half.newSession(1, 32)) {
            for (int t : prompt) {
                float[] la = a.forward(t).clone();
                assertThat(b.forward(t)).containsExactly(la);
                float[] lh = h.forward(t);
                for (int i = 0; i < la.length; i++) {
                    assertThat(lh[i]).as("F16 logit %d", i).isCloseTo(la[i], within(0.05f * (1 + Math.abs(la[i]))));
                }
            }
        }
        assertThatThrownBy(() -> Llama2cToGguf.convert(bin, tok, dir.resolve("q.gguf"), GgmlType.Q8_0))
                .hasMessageContaining("F32 or F16");
    }

    @Test
    void truncatedCheckpointIsRefused() throws IOException {
        LlamaModel gguf = LlamaModel.load(TestModels.smallF32(), DotKernels.preferred());
        Path bin = dir.resolve("model.bin");
        writeCheckpoint(gguf, bin);
        byte[] all = Files.readAllBytes(bin);
        Files.write(bin, Arrays.copyOf(all, all.length / 2));
        Path tok = dir.resolve("tokenizer.bin");
        writeTokenizer(gguf.tokenizer().vocabulary(), tok);
        assertThatThrownBy(() -> Llama2cLoader.load(bin, tok, DotKernels.scalar()))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("truncated llama2.c checkpoint");
    }

    private static void writeCheckpoint(LlamaModel m, Path bin) throws IOException {
        LlamaConfig c = m.config();
        LlamaWeights w = m.weights();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(bin)))) {
            int[] header = {
                c.dim(), c.hiddenDim(), c.layers(), c.heads(), c.kvHeads(), -c.vocabSize(), c.contextLength()
            };
            for (int h : header) {
                le(out, h);
            }
            floats(out, w.tokenEmbedding().toFloats());
            for (LayerWeights l : w.layers()) {
                floats(out, l.attnNorm());
            }
            for (LayerWeights l : w.layers()) {
                floats(out, l.wq().toFloats());
            }
            for (LayerWeights l : w.layers()) {
                floats(out, l.wk().toFloats());
            }
            for (LayerWeights l : w.layers()) {
                floats(out, l.wv().toFloats());
            }
            for (LayerWeights l : w.layers()) {
                floats(out, l.wo().toFloats());
            }
            for (LayerWeights l : w.layers()) {
                floats(out, l.ffnNorm());
            }
            for (LayerWeights l : w.layers()) {
                floats(out, l.gate().toFloats());
            }
            for (LayerWeights l : w.layers()) {
                floats(out, l.down().toFloats());
            }
            for (LayerWeights l : w.layers()) {
                floats(out, l.up().toFloats());
            }
            floats(out, w.outputNorm());
            floats(out, new float[c.contextLength() * c.headSize()]); // legacy freq_cis tables
            floats(out, w.output().toFloats());
        }
    }

    private static void writeTokenizer(Vocabulary v, Path tok) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(tok))) {
            le(out, 64);
            for (int i = 0; i < v.size(); i++) {
                byte[] b = v.token(i).replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
                le(out, Float.floatToRawIntBits(v.score(i)));
                le(out, b.length);
                out.write(b);
            }
        }
    }

    private static void le(DataOutputStream out, int v) throws IOException {
        out.writeInt(Integer.reverseBytes(v));
    }

    private static void floats(DataOutputStream out, float[] f) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f);
        out.write(b.array());
    }
}
