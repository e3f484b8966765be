package io.quantwatch.engine.model;

import io.quantwatch.engine.gguf.GgufFile;
import io.quantwatch.engine.gguf.GgufFormatException;
import io.quantwatch.engine.gguf.GgufValue;
import java.util.Set;

/**
 * {@code gemma2} as llama.cpp computes it: embeddings × √dim; queries × the attention scale after the rotation
 * (1/√(dim / heads) for the 46-layer 27B, else 1/√head size); attention scores and logits soft-capped (50 and 30 unless
 * the file says otherwise); the first of every {@code sliding_window_pattern} (2) layers over a window of 4096
 * positions unless set; GELU; norms after attention and after the feed-forward; the output tied to the embedding.
 */
final class Gemma2Architecture implements Architecture {
    static final Set<String> TENSORS =
            Qwen3Architecture.with(LLAMA_LAYER_TENSORS, "post_attention_norm", "post_ffw_norm");

    @Override
    public String name() {
        return "gemma2";
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
                    "llama.attn_logit_softcapping",
                    "llama.final_logit_softcapping" -> true;
            default -> false;
        };
    }

    @Override
    public BlockRules rules(GgufFile file, Architecture.Shape shape) {
        requireTiedOutput(file, name());
        int period = (int) file.longOr("gemma2.attention.sliding_window_pattern", 2);
        return new BlockRules(
                (float) Math.sqrt(shape.dim()),
                attentionScale(shape, 46),
                (float) file.doubleOr("gemma2.attn_logit_softcapping", 50.0),
                (float) file.doubleOr("gemma2.final_logit_softcapping", 30.0),
                true,
                (int) file.longOr("gemma2.attention.sliding_window", 4096),
                BlockRules.everyLayerBut(period, shape.layers()),
                null);
    }

    /** Gemma's query scale: 1/√(dim / heads) for the 27B (known only by its layer count), else 1/√head size. */
    static float attentionScale(Architecture.Shape shape, int layersOf27B) {
        return shape.layers() == layersOf27B
                ? 1.0f / (float) Math.sqrt((float) (shape.dim() / shape.heads()))
                : 1.0f / (float) Math.sqrt((float) shape.headSize());
    }

    /** Gemma's output is its token embedding: llama.cpp refuses a file with an extra, unused output tensor. */
    static void requireTiedOutput(GgufFile file, String arch) {
        if (arch.equals("gemma2") && file.tensors().containsKey("output.weight")) {
            throw new GgufFormatException(
                    file.path(),
                    "tensor 'output.weight' in a gemma2 file: Gemma 2's output is its token embedding, and llama.cpp"
                            + " refuses a file with this extra tensor; remove it");
        }
    }
}
