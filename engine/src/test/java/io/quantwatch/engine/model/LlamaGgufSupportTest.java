package io.quantwatch.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.gguf.GgufFormatException;
import io.quantwatch.engine.gguf.GgufValue;
import io.quantwatch.engine.gguf.GgufWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A llama GGUF that asks for something the engine does not compute (what llama.cpp's converter writes for Llama 3.x,
 * Qwen, Gemma, MoE models) is refused at load, naming the key or tensor and its value; neutral values still load.
 */
class LlamaGgufSupportTest {
    // dim 32, 4 heads of 8, GQA 2, one layer, 300 tokens: loads in milliseconds.
    private static final RandomLlamaGguf.Spec TINY = new RandomLlamaGguf.Spec(32, 64, 1, 4, 2, 300, 64, 7, false);

    @TempDir
    Path dir;

    private Path write(Consumer<GgufWriter> extra) {
        Path f = dir.resolve("m-" + System.nanoTime() + ".gguf");
        RandomLlamaGguf.write(TINY, GgmlType.F32, f, extra);
        return f;
    }

    private void refused(Consumer<GgufWriter> extra, String... named) {
        assertThatThrownBy(() -> LlamaModel.load(write(extra)))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining(named[0])
                .satisfies(e -> {
                    for (String n : named) {
                        assertThat(e.getMessage()).contains(n);
                    }
                });
    }

    private void loads(Consumer<GgufWriter> extra) {
        assertThat(LlamaModel.load(write(extra)).config().layers()).isEqualTo(1);
    }

    @Test
    void ropeFrequencyFactorsOfTheWrongLengthAreRefused() {
        // Head size 8 rotates 4 pairs: rope_freqs must hold 4 factors.
        refused(
                w -> w.addTensor("rope_freqs.weight", GgmlType.F32, new long[] {3}, new float[] {1, 2, 4}),
                "rope_freqs.weight");
    }

    @Test
    void ropeScalingTheEngineDoesNotComputeIsRefused() {
        refused(
                w -> w.put("llama.rope.scaling.type", GgufValue.string("longrope")),
                "'llama.rope.scaling.type'",
                "'longrope'");
        refused(
                w -> w.put("llama.rope.scaling.attn_factor", GgufValue.float32(1.2f)),
                "'llama.rope.scaling.attn_factor'");
        // A factor without a type, which llama.cpp would still apply: ambiguous, refused.
        refused(w -> w.put("llama.rope.scaling.factor", GgufValue.float32(8)), "'llama.rope.scaling.factor' = 8.0");
    }

    @Test
    void linearScalingFrequencyFactorsAndNeutralScalingLoad() {
        loads(w -> {
            w.put("llama.rope.scaling.type", GgufValue.string("linear"));
            w.put("llama.rope.scaling.factor", GgufValue.float32(4));
            w.put("llama.rope.scaling.original_context_length", GgufValue.uint32(16));
        });
        loads(w -> w.addTensor("rope_freqs.weight", GgmlType.F32, new long[] {4}, new float[] {1, 1, 2, 4}));
        loads(w -> {
            w.put("llama.rope.scaling.type", GgufValue.string("none"));
            w.put("llama.rope.scaling.factor", GgufValue.float32(1));
        });
    }

    @Test
    void attentionBiasesLoadAndFeedForwardBiasesAreRefused() {
        loads(w -> w.addTensor("blk.0.attn_q.bias", GgmlType.F32, new long[] {32}, new float[32]));
        refused(
                w -> w.addTensor("blk.0.ffn_down.bias", GgmlType.F32, new long[] {32}, new float[32]),
                "tensor 'blk.0.ffn_down.bias'",
                "only attention biases");
        refused(w -> w.addTensor("blk.0.attn_k.bias", GgmlType.F32, new long[] {7}, new float[7]), "attn_k.bias");
    }

    @Test
    void aHeadSizeOfItsOwnLoadsWhenTheTensorsHaveItAndIsRefusedOtherwise() {
        Path wide = dir.resolve("wide-heads.gguf");
        RandomLlamaGguf.write(TINY, GgmlType.F32, wide, "llama", 16, w -> {});
        LlamaConfig c = LlamaModel.load(wide).config();
        assertThat(c.headSize()).isEqualTo(16);
        assertThat(c.qDim()).isEqualTo(64); // 4 heads × 16, while dim is 32
        // key_length 16 in a file written for heads of 8: refused (its rotary width and tensors say 8).
        refused(w -> w.put("llama.attention.key_length", GgufValue.uint32(16)), "differs from the head size 16");
        refused(
                w -> {
                    w.put("llama.attention.key_length", GgufValue.uint32(8));
                    w.put("llama.attention.value_length", GgufValue.uint32(16));
                },
                "value_length = 16");
    }

    @Test
    void expertsSlidingWindowsAndSoftCappingAreRefused() {
        refused(w -> w.put("llama.expert_count", GgufValue.uint32(8)), "'llama.expert_count' = 8", "experts");
        refused(w -> w.put("llama.attention.sliding_window", GgufValue.uint32(4096)), "sliding-window");
        refused(w -> w.put("llama.final_logit_softcapping", GgufValue.float32(30)), "soft-capping");
        refused(
                w -> w.addTensor("blk.0.ffn_gate_inp.weight", GgmlType.F32, new long[] {32, 4}, new float[128]),
                "ffn_gate_inp");
    }

    @Test
    void tokenizerSettingsTheEngineIgnoresAreRefused() {
        refused(
                w -> w.put("tokenizer.ggml.add_eos_token", GgufValue.bool(true)),
                "'tokenizer.ggml.add_eos_token' = true");
        refused(
                w -> w.put("tokenizer.ggml.remove_extra_whitespaces", GgufValue.bool(true)),
                "remove_extra_whitespaces");
        loads(w -> w.put("tokenizer.ggml.eot_token_id", GgufValue.uint32(2))); // the EOS itself
    }

    @Test
    void generationsEndWhereLlamaCppEndsThem() {
        // An end-of-turn token of its own ends a generation beside EOS, as in llama.cpp.
        Path f = dir.resolve("eot.gguf");
        RandomLlamaGguf.write(TINY, GgmlType.F32, f, w -> w.put("tokenizer.ggml.eot_token_id", GgufValue.uint32(5)));
        var vocabulary = LlamaModel.load(f).tokenizer().vocabulary();
        assertThat(vocabulary.endsGeneration(5)).isTrue();
        assertThat(vocabulary.endsGeneration(vocabulary.eos())).isTrue();
        assertThat(vocabulary.endsGeneration(6)).isFalse();
    }

    @Test
    void descriptionsAndTheChatTemplateLoad() {
        loads(w -> {
            w.put("general.license", GgufValue.string("apache-2.0"));
            w.put("general.file_type", GgufValue.uint32(0));
            w.put("quantize.imatrix.file", GgufValue.string("imatrix.dat"));
            w.put("tokenizer.chat_template", GgufValue.string("{{ messages }}"));
            w.put("tokenizer.ggml.padding_token_id", GgufValue.uint32(0));
        });
    }

    @Test
    void aLayerBeyondBlockCountIsRefused() {
        refused(
                w -> w.addTensor("blk.1.attn_norm.weight", GgmlType.F32, new long[] {32}, new float[32]),
                "tensor 'blk.1.attn_norm.weight'");
    }

    @Test
    void qwen2KeysAreCheckedUnderTheirOwnPrefix() {
        Path ok = dir.resolve("qwen2.gguf");
        RandomLlamaGguf.write(TINY, GgmlType.F32, ok, "qwen2", w -> {});
        assertThat(LlamaModel.load(ok).config().ropeStyle()).isEqualTo(LlamaConfig.RopeStyle.NEOX);
        Path longrope = dir.resolve("qwen2-longrope.gguf");
        RandomLlamaGguf.write(
                TINY,
                GgmlType.F32,
                longrope,
                "qwen2",
                w -> w.put("qwen2.rope.scaling.type", GgufValue.string("longrope")));
        assertThatThrownBy(() -> LlamaModel.load(longrope))
                .hasMessageContaining("'qwen2.rope.scaling.type' = 'longrope'");
        Path stray = dir.resolve("qwen2-stray.gguf");
        RandomLlamaGguf.write(
                TINY, GgmlType.F32, stray, "qwen2", w -> w.put("llama.context_length", GgufValue.uint32(64)));
        assertThatThrownBy(() -> LlamaModel.load(stray)).hasMessageContaining("'llama.context_length'");
    }

    @Test
    void otherArchitecturesAreRefusedNamingWhatIsSupported() {
        Path llama4 = dir.resolve("llama4.gguf");
        RandomLlamaGguf.write(TINY, GgmlType.F32, llama4, "llama4", w -> {});
        assertThatThrownBy(() -> LlamaModel.load(llama4))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("architecture 'llama4' is not supported (supported: llama, qwen2, qwen3, phi3,"
                        + " gemma2, gemma3)");
    }

    /** A tiny gemma2 (dim 32) of the given layer count: post-norms added, output tied to the embedding. */
    private Path writeGemma2(int layers, Consumer<GgufWriter> extra) {
        RandomLlamaGguf.Spec spec = new RandomLlamaGguf.Spec(32, 64, layers, 4, 2, 300, 64, 7, false);
        Path f = dir.resolve("gemma2-" + System.nanoTime() + ".gguf");
        RandomLlamaGguf.write(spec, GgmlType.F32, f, "gemma2", w -> {
            w.removeTensor("output.weight");
            for (int l = 0; l < layers; l++) {
                for (String norm : List.of("post_attention_norm", "post_ffw_norm")) {
                    w.addTensor("blk." + l + "." + norm + ".weight", GgmlType.F32, new long[] {32}, new float[32]);
                }
            }
            extra.accept(w);
        });
        return f;
    }

    @Test
    void gemma2LoadsWithLlamaCppsDefaultsAndRefusesWhatLlamaCppRefuses() {
        BlockRules g = LlamaModel.load(writeGemma2(26, w -> {})).config().rules();
        assertThat(g)
                .isEqualTo(new BlockRules(
                        (float) Math.sqrt(32),
                        1f / (float) Math.sqrt(8),
                        50f,
                        30f,
                        true,
                        4096,
                        BlockRules.everyLayerBut(2, 26),
                        null));
        assertThat(g.sliding(0)).isTrue();
        assertThat(g.sliding(1)).isFalse();
        BlockRules big = LlamaModel.load(
                        writeGemma2(46, w -> w.put("gemma2.attention.sliding_window", GgufValue.uint32(7))))
                .config()
                .rules();
        assertThat(big.queryScale())
                .as("27B: queries scaled by 1/sqrt(dim / heads)")
                .isEqualTo(1f / (float) Math.sqrt(32 / 4));
        assertThat(big.slidingWindow()).isEqualTo(7);
        // The current llama.cpp computes any layer count (a size it does not know scales by 1/sqrt(head size)).
        assertThat(LlamaModel.load(writeGemma2(25, w -> {})).config().rules().queryScale())
                .isEqualTo(1f / (float) Math.sqrt(8));
        assertThatThrownBy(() -> LlamaModel.load(writeGemma2(
                        26, w -> w.addTensor("output.weight", GgmlType.F32, new long[] {32, 300}, new float[9600]))))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("'output.weight' in a gemma2 file");
        assertThatThrownBy(() -> LlamaModel.load(writeGemma2(
                        26, w -> w.addTensor("rope_freqs.weight", GgmlType.F32, new long[] {4}, new float[4]))))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("rope_freqs.weight");
        assertThatThrownBy(() -> LlamaModel.load(writeGemma2(26, w -> w.removeTensor("blk.3.post_ffw_norm.weight"))))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("blk.3.post_ffw_norm.weight");
        // gemma2's soft-caps are refused under llama, where llama.cpp would not apply them.
        refused(w -> w.put("llama.attn_logit_softcapping", GgufValue.float32(50)), "soft-capping");
    }

    private Path writePhi3(Consumer<GgufWriter> extra) {
        Path f = dir.resolve("phi3-" + System.nanoTime() + ".gguf");
        RandomLlamaGguf.write(TINY, GgmlType.F32, f, "phi3", w -> {
            w.fuse("blk.0.attn_qkv.weight", "blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.0.attn_v.weight");
            w.fuse("blk.0.ffn_up.weight", "blk.0.ffn_gate.weight", "blk.0.ffn_up.weight");
            extra.accept(w);
        });
        return f;
    }

    @Test
    void phi3LoadsWithItsFusedTensorsAndRefusesWhatItDoesNotUse() {
        Path ok = writePhi3(w -> w.put("phi3.attention.sliding_window", GgufValue.uint32(2047)));
        LlamaModel m = LlamaModel.load(ok);
        assertThat(m.config().ropeStyle()).isEqualTo(LlamaConfig.RopeStyle.NEOX);
        assertThat(m.weights().layers().get(0).wk().rows()).isEqualTo(16); // two KV heads of 8, cut from attn_qkv
        // llama.cpp no longer needs (nor applies) phi3's window.
        assertThat(LlamaModel.load(writePhi3(w -> {})).config().rules().slidingWindow())
                .isZero();
        assertThatThrownBy(() -> LlamaModel.load(writePhi3(w -> {
                    w.put("phi3.attention.sliding_window", GgufValue.uint32(2047));
                    w.addTensor("blk.0.rope_factors_long.weight", GgmlType.F32, new long[] {4}, new float[4]);
                })))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("rope_factors_long")
                .hasMessageContaining("rope scaling");
        assertThatThrownBy(() -> LlamaModel.load(writePhi3(w -> {
                    w.put("phi3.attention.sliding_window", GgufValue.uint32(2047));
                    w.addTensor("blk.0.attn_q.bias", GgmlType.F32, new long[] {32}, new float[32]);
                })))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("blk.0.attn_q.bias");
        // A llama file's sliding window is still refused: llama's would change the outputs.
        refused(w -> w.put("llama.attention.sliding_window", GgufValue.uint32(16)), "sliding_window");
    }

    @Test
    void qwen3AndGemma3RefuseWhatTheyDoNotCompute() {
        // TINY: dim 32, 4 heads of 8.
        Path qwen3 = dir.resolve("qwen3-no-norms.gguf");
        RandomLlamaGguf.write(TINY, GgmlType.F32, qwen3, "qwen3", w -> {});
        assertThatThrownBy(() -> LlamaModel.load(qwen3))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("attn_q_norm.weight");
        Path qwen3Window = dir.resolve("qwen3-window.gguf");
        RandomLlamaGguf.write(TINY, GgmlType.F32, qwen3Window, "qwen3", w -> {
            qkNorms(w);
            w.put("qwen3.attention.sliding_window", GgufValue.uint32(16));
        });
        assertThatThrownBy(() -> LlamaModel.load(qwen3Window)).hasMessageContaining("'qwen3.attention.sliding_window'");
        Path gemma3 = dir.resolve("gemma3-softcap.gguf");
        RandomLlamaGguf.write(TINY, GgmlType.F32, gemma3, "gemma3", w -> {
            qkNorms(w);
            for (int l = 0; l < TINY.layers(); l++) {
                for (String norm : List.of("post_attention_norm", "post_ffw_norm")) {
                    w.addTensor("blk." + l + "." + norm + ".weight", GgmlType.F32, new long[] {32}, new float[32]);
                }
            }
            w.put("gemma3.attn_logit_softcapping", GgufValue.float32(50));
        });
        assertThatThrownBy(() -> LlamaModel.load(gemma3))
                .hasMessageContaining("'gemma3.attn_logit_softcapping'")
                .hasMessageContaining("soft-capping");
    }

    @Test
    void aBlockCountBeyondTheFilesTensorsIsRefusedBeforeAnyLayerTableIsSized() {
        Path gemma3 = dir.resolve("gemma3-hostile-count.gguf");
        RandomLlamaGguf.write(TINY, GgmlType.F32, gemma3, "gemma3", w -> {
            qkNorms(w);
            w.put("gemma3.block_count", GgufValue.uint32(2_000_000_000L));
            w.put("gemma3.attention.sliding_window", GgufValue.uint32(8));
        });
        assertThatThrownBy(() -> LlamaModel.load(gemma3))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("gemma3.block_count = 2000000000");
    }

    private static void qkNorms(GgufWriter w) {
        for (int l = 0; l < TINY.layers(); l++) {
            w.addTensor("blk." + l + ".attn_q_norm.weight", GgmlType.F32, new long[] {8}, new float[8]);
            w.addTensor("blk." + l + ".attn_k_norm.weight", GgmlType.F32, new long[] {8}, new float[8]);
        }
    }
}
