package io.quantwatch.engine.model;

import io.quantwatch.engine.gguf.GgufFile;
import io.quantwatch.engine.gguf.GgufValue;
import java.util.Set;

/**
 * One model family as the current llama.cpp (5b4ebc5) loads and computes it: the GGUF keys and tensors it has, how it
 * rotates, and how its block departs from Llama's ({@link BlockRules}). A new family is a new implementation, listed
 * in {@link Architectures}; the loader, the support check and the session ask it rather than branching on names.
 */
public interface Architecture {
    /** Llama's layer tensors ({@code blk.N.NAME.weight}). */
    Set<String> LLAMA_LAYER_TENSORS = Set.of(
            "attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down");

    /** {@code general.architecture}. */
    String name();

    LlamaConfig.RopeStyle ropeStyle();

    /** The layer tensors the family's files have ({@code blk.N.NAME.weight}). */
    default Set<String> layerTensors() {
        return LLAMA_LAYER_TENSORS;
    }

    /** Whether {@code blk.N.attn_q/k/v/output.bias} may appear (and are computed). */
    default boolean attentionBiases() {
        return false;
    }

    /** Whether the family reads {@code rope_freqs.weight} (llama.cpp's other graphs leave it unused and refuse it). */
    default boolean ropeFrequencyFactors() {
        return false;
    }

    /** Q, K and V fused into {@code attn_qkv}, the gate and up projections into {@code ffn_up} (phi3). */
    default boolean fusedProjections() {
        return false;
    }

    /**
     * Whether a hyper-parameter only some families have (named in Llama's words, {@code llama.attention.sliding_window})
     * is computed, or cannot change the outputs, with this value.
     */
    default boolean computes(String key, GgufValue value, GgufFile file) {
        return false;
    }

    /** The family's block, read from the file; refuses (GgufFormatException) what it cannot compute as llama.cpp does. */
    default BlockRules rules(GgufFile file, Shape shape) {
        return BlockRules.LLAMA;
    }

    /** The sizes a family's rules depend on. */
    record Shape(int dim, int heads, int headSize, int layers) {}
}
