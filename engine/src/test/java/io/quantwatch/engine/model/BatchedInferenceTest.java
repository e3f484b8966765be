package io.quantwatch.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.gguf.GgufValue;
import io.quantwatch.engine.quant.QuantRecipe;
import io.quantwatch.engine.quant.RecipeApplier;
import io.quantwatch.engine.tensor.DotKernels;
import io.quantwatch.engine.tensor.F16Weights;
import io.quantwatch.engine.tensor.HalfFloat;
import io.quantwatch.engine.tensor.MappedF16Weights;
import io.quantwatch.engine.tensor.WeightMatrix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prefill and blocks of tokens give bit-for-bit the logits of feeding the same tokens one by one, for every weight
 * format and architecture variant the engine runs; a rewound session continues as if the forgotten tokens had never
 * been fed.
 */
class BatchedInferenceTest {
    @TempDir
    static Path dir;

    static Map<String, LlamaModel> models = new LinkedHashMap<>();

    @BeforeAll
    static void models() throws Exception {
        LlamaModel f32 = LlamaModel.load(TestModels.smallF32());
        models.put("F32", f32);
        for (GgmlType t : List.of(GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K)) {
            Path f = dir.resolve("small-" + t + ".gguf");
            RandomLlamaGguf.write(RandomLlamaGguf.Spec.small(42), t, f);
            models.put(t.toString(), LlamaModel.load(f));
        }
        for (String recipe :
                List.of("int8 sym", "int8 asym group=32", "int4 sym group=128", "int4 asym group=32", "nf4", "fp8")) {
            models.put(
                    recipe, RecipeApplier.apply(f32, QuantRecipe.parse(recipe)).model());
        }
        Path qwen2 = dir.resolve("qwen2.gguf");
        RandomLlamaGguf.write(RandomLlamaGguf.Spec.small(42).withByteLevelBpe(), GgmlType.F32, qwen2, "qwen2", w -> {
            Random rnd = new Random(5);
            for (int l = 0; l < 4; l++) {
                for (String[] b : new String[][] {{"q", "256"}, {"k", "64"}, {"v", "64"}}) {
                    float[] bias = new float[Integer.parseInt(b[1])];
                    for (int i = 0; i < bias.length; i++) {
                        bias[i] = (float) rnd.nextGaussian() * 0.5f;
                    }
                    w.addTensor("blk." + l + ".attn_" + b[0] + ".bias", GgmlType.F32, new long[] {bias.length}, bias);
                }
            }
            w.put("tokenizer.ggml.pre", GgufValue.string("qwen2"));
        });
        models.put("qwen2 (biases, NEOX rope)", LlamaModel.load(qwen2));
        Path wideHeads = dir.resolve("head64.gguf");
        RandomLlamaGguf.write(RandomLlamaGguf.Spec.small(42), GgmlType.F32, wideHeads, "llama", 64, w -> {});
        models.put("head size 64", LlamaModel.load(wideHeads));
        Path gemma2 = dir.resolve("gemma2.gguf");
        RandomLlamaGguf.write(
                LlamaCppAgreementTest.GEMMA2,
                GgmlType.F32,
                gemma2,
                "gemma2",
                64,
                w -> LlamaCppAgreementTest.gemma2(w, 24));
        models.put("gemma2 (soft-caps, window of 24 across blocks, GELU, post-norms)", LlamaModel.load(gemma2));
        models.put("scalar kernels", LlamaModel.load(TestModels.smallF32(), DotKernels.scalar()));
        Path f16 = dir.resolve("small-F16.gguf");
        models.put("F16 read in place", GgufLlamaLoader.load(f16, DotKernels.preferred(), true));
        models.put("F16 copied to the heap", onTheHeap(models.get("F16 read in place")));
    }

    /** The mapped F16 model with every matrix copied into an on-heap {@link F16Weights}. */
    static LlamaModel onTheHeap(LlamaModel mapped) {
        LlamaWeights w = mapped.weights();
        java.util.function.UnaryOperator<WeightMatrix> copy = m -> {
            float[] f = m.toFloats();
            short[] h = new short[f.length];
            for (int i = 0; i < f.length; i++) {
                h[i] = HalfFloat.fromFloat(f[i]);
            }
            return new F16Weights(h, m.rows(), m.cols(), false, mapped.kernels());
        };
        List<LayerWeights> layers = new ArrayList<>();
        for (LayerWeights l : w.layers()) {
            layers.add(l.withProjections(
                    copy.apply(l.wq()),
                    copy.apply(l.wk()),
                    copy.apply(l.wv()),
                    copy.apply(l.wo()),
                    copy.apply(l.gate()),
                    copy.apply(l.up()),
                    copy.apply(l.down())));
        }
        return mapped.withWeights(
                "heap copy",
                new LlamaWeights(copy.apply(w.tokenEmbedding()), layers, w.outputNorm(), copy.apply(w.output())));
    }

    @Test
    void anF16FileIsReadInPlaceAndComputesWhatAHeapCopyComputes() {
        LlamaModel mapped = models.get("F16 read in place");
        assertThat(mapped.weights().layers().get(0).wq()).isInstanceOf(MappedF16Weights.class);
        assertThat(models.get("F16").weights().layers().get(0).wq())
                .as("a small file's F16 matrices are copied to the heap, where the kernels are faster")
                .isInstanceOf(F16Weights.class);
        assertThat(mapped.weights().output()).isInstanceOf(MappedF16Weights.class);
        int[] seq = tokens(mapped, 40);
        List<float[]> heap = oneByOne(models.get("F16 copied to the heap"), seq, 1);
        List<float[]> inPlace = oneByOne(mapped, seq, 1);
        for (int i = 0; i < seq.length; i++) {
            assertThat(inPlace.get(i)).as("position %d", i).containsExactly(heap.get(i));
        }
    }

    private static int[] tokens(LlamaModel m, int n) {
        Random rnd = new Random(n);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rnd.nextInt(m.config().vocabSize());
        }
        return t;
    }

    /** The logits after each token, fed one at a time. */
    private static List<float[]> oneByOne(LlamaModel m, int[] seq, int threads) {
        List<float[]> out = new ArrayList<>();
        try (InferenceSession s = m.newSession(threads, 128)) {
            for (int t : seq) {
                out.add(s.forward(t).clone());
            }
        }
        return out;
    }

    @Test
    void prefillAndBlocksGiveTheTokenByTokenLogitsBitForBit() {
        int vocab = 0;
        for (Map.Entry<String, LlamaModel> e : models.entrySet()) {
            LlamaModel m = e.getValue();
            vocab = m.config().vocabSize();
            int[] seq = tokens(m, 90);
            List<float[]> expected = oneByOne(m, seq, 1);
            for (int threads : new int[] {1, 2}) {
                try (InferenceSession s = m.newSession(threads, 128)) {
                    // 37 tokens prefilled (a block and a part), then blocks of 32 and 13, then one by one again.
                    assertThat(s.prefill(seq, 0, 37))
                            .as("%s: prefill of 37 tokens, %d threads", e.getKey(), threads)
                            .containsExactly(expected.get(36));
                    int at = 37;
                    for (int n : new int[] {InferenceSession.DEFAULT_BLOCK, 13}) {
                        float[] block = s.forwardBlock(seq, at, n);
                        for (int j = 0; j < n; j++) {
                            assertThat(Arrays.copyOfRange(block, j * vocab, (j + 1) * vocab))
                                    .as(
                                            "%s: position %d from a block of %d, %d threads",
                                            e.getKey(), at + j, n, threads)
                                    .containsExactly(expected.get(at + j));
                        }
                        at += n;
                    }
                    for (; at < seq.length; at++) {
                        assertThat(s.forward(seq[at]))
                                .as("%s: position %d fed alone after the blocks", e.getKey(), at)
                                .containsExactly(expected.get(at));
                    }
                }
            }
        }
    }

    @Test
    void gemma2LogitsAreSoftCappedAtTheFilesCap() {
        // The cap is monotone, so greedy answers (what the llama.cpp test compares) cannot show it: check the values.
        Path capped = dir.resolve("gemma2-cap5.gguf");
        Path uncapped = dir.resolve("gemma2-uncapped.gguf");
        RandomLlamaGguf.write(LlamaCppAgreementTest.GEMMA2, GgmlType.F32, capped, "gemma2", 64, w -> {
            LlamaCppAgreementTest.gemma2(w, 24);
            w.put("gemma2.final_logit_softcapping", GgufValue.float32(5.0));
        });
        RandomLlamaGguf.write(LlamaCppAgreementTest.GEMMA2, GgmlType.F32, uncapped, "gemma2", 64, w -> {
            LlamaCppAgreementTest.gemma2(w, 24);
            w.put("gemma2.final_logit_softcapping", GgufValue.float32(1e30));
        });
        LlamaModel m5 = LlamaModel.load(capped);
        int[] seq = tokens(m5, 30);
        float[] five = oneByOne(m5, seq, 1).get(29);
        float[] raw = oneByOne(LlamaModel.load(uncapped), seq, 1).get(29);
        float largest = 0;
        for (float v : raw) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertThat(largest).as("some raw logit far beyond the cap").isGreaterThan(10f);
        for (int i = 0; i < raw.length; i++) {
            assertThat(five[i])
                    .isCloseTo((float) (5 * Math.tanh(raw[i] / 5.0)), org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void aRewoundSessionContinuesAsIfTheLaterTokensWereNeverFed() {
        LlamaModel m = models.get("int4 sym group=128");
        int[] first = tokens(m, 50);
        int[] other = tokens(m, 7);
        int[] expectedSeq = new int[27];
        System.arraycopy(first, 0, expectedSeq, 0, 20);
        System.arraycopy(other, 0, expectedSeq, 20, 7);
        List<float[]> expected = oneByOne(m, expectedSeq, 1);
        try (InferenceSession s = m.newSession(1, 128)) {
            s.prefill(first, 0, first.length);
            s.rewind(20);
            assertThat(s.position()).isEqualTo(20);
            for (int i = 0; i < other.length; i++) {
                assertThat(s.forward(other[i])).containsExactly(expected.get(20 + i));
            }
            assertThatThrownBy(() -> s.rewind(28))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot rewind to 28 from position 27");
        }
    }

    @Test
    void blocksAreCheckedBeforeAnyWork() {
        LlamaModel m = models.get("F32");
        try (InferenceSession s = m.newSession(1, 40)) {
            int[] seq = tokens(m, 41);
            assertThatThrownBy(() -> s.prefill(seq, 0, 41))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("longer than the session's 40 positions");
            s.reset();
            assertThatThrownBy(() -> s.forwardBlock(seq, 0, InferenceSession.DEFAULT_BLOCK + 1))
                    .hasMessageContaining("a block holds 1 to " + InferenceSession.DEFAULT_BLOCK + " tokens");
            int[] bad = {1, 2, m.config().vocabSize()};
            assertThatThrownBy(() -> s.forwardBlock(bad, 0, 3)).hasMessageContaining("outside the vocabulary");
            assertThat(s.position()).as("a refused block feeds nothing").isZero();
        }
    }
}
