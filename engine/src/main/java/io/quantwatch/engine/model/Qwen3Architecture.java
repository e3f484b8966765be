package io.quantwatch.engine.model;

import java.util.HashSet;
import java.util.Set;

/**
 * {@code qwen3}: Llama's block with NEOX rope and a per-head RMS norm of queries and keys before the rotation
 * ({@code attn_q_norm}, {@code attn_k_norm}, one weight per head dimension); heads are {@code key_length} wide.
 */
final class Qwen3Architecture implements Architecture {
    private static final Set<String> TENSORS = with(LLAMA_LAYER_TENSORS, "attn_q_norm", "attn_k_norm");

    @Override
    public String name() {
        return "qwen3";
    }

    @Override
    public LlamaConfig.RopeStyle ropeStyle() {
        return LlamaConfig.RopeStyle.NEOX;
    }

    @Override
    public Set<String> layerTensors() {
        return TENSORS;
    }

    static Set<String> with(Set<String> base, String... more) {
        Set<String> all = new HashSet<>(base);
        all.addAll(Set.of(more));
        return Set.copyOf(all);
    }
}
