package io.quantwatch.engine.model;

import io.quantwatch.engine.gguf.GgufFile;
import io.quantwatch.engine.gguf.GgufValue;
import java.util.Set;

/**
 * {@code phi3}: Q, K and V fused into {@code attn_qkv}, the gate and up projections into {@code ffn_up}, NEOX rope.
 * Its sliding window is read and not applied: llama.cpp disables Phi's window ("Phi SWA is currently disabled").
 */
final class Phi3Architecture implements Architecture {
    private static final Set<String> TENSORS =
            Set.of("attn_norm", "attn_qkv", "attn_output", "ffn_norm", "ffn_up", "ffn_down");

    @Override
    public String name() {
        return "phi3";
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
    public boolean fusedProjections() {
        return true;
    }

    @Override
    public boolean computes(String key, GgufValue value, GgufFile file) {
        return key.equals("llama.attention.sliding_window");
    }
}
