package io.quantwatch.engine.model;

import io.quantwatch.engine.gguf.GgufFile;
import io.quantwatch.engine.gguf.GgufFormatException;
import io.quantwatch.engine.gguf.GgufValue;
import java.util.Set;

/**
 * {@code gemma3} as llama.cpp computes it: Gemma 2's block without the attention soft-cap, with a per-head RMS norm of
 * queries and keys before the rotation; when the file sets a sliding window, the first 5 of every
 * {@code sliding_window_pattern} (6) layers attend over it and rotate with their own base ({@code rope.freq_base_swa},
 * 10 000 unless set) and no scaling, while the others use the model's base and scaling (linear ×8 in Gemma 3 4B and
 * larger); the final soft-cap only when the file asks for it; the output tied to the embedding unless the file has its
 * own.
 */
final class Gemma3Architecture implements Architecture {
    private static final Set<String> TENSORS = Qwen3Architecture.with(
            LLAMA_LAYER_TENSORS, "post_attention_norm", "post_ffw_norm", "attn_q_norm", "attn_k_norm");

    @Override
    public String name() {
        return "gemma3";
    }

    @Override
    public LlamaConfig.RopeStyle ropeStyle() {
        return LlamaConfig.RopeStyle.NEOX;
    }

    @Override
    public Set<String> layerTensors() {
        return TENSORS;
    }

    @Override
    public boolean computes(String key, GgufValue value, GgufFile file) {
        return switch (key) {
            case "llama.attention.sliding_window",
                    "llama.attention.sliding_window_pattern",
                    "llama.rope.freq_base_swa",
                    "llama.final_logit_softcapping" -> true;
            default -> false;
        };
    }

    @Override
    public BlockRules rules(GgufFile file, Architecture.Shape shape) {
        if (file.metadata().containsKey("gemma3.attention.sliding_window_pattern")
                && !(file.metadata()
                                .get("gemma3.attention.sliding_window_pattern")
                                .value()
                        instanceof Number)) {
            throw new GgufFormatException(
                    file.path(),
                    "gemma3.attention.sliding_window_pattern is a per-layer array; only the period form is implemented");
        }
        int window = (int) file.longOr("gemma3.attention.sliding_window", 0);
        boolean[] sliding = null;
        BlockRules.LocalRope local = null;
        if (window > 0) {
            sliding = BlockRules.everyLayerBut(
                    (int) file.longOr("gemma3.attention.sliding_window_pattern", 6), shape.layers());
            local = new BlockRules.LocalRope(
                    (float) file.doubleOr("gemma3.rope.freq_base_swa", 10000.0), LlamaConfig.RopeScaling.NONE);
        }
        return new BlockRules(
                (float) Math.sqrt(shape.dim()),
                Gemma2Architecture.attentionScale(shape, 62),
                0f,
                (float) file.doubleOr("gemma3.final_logit_softcapping", 0.0),
                true,
                window,
                sliding,
                local);
    }
}
