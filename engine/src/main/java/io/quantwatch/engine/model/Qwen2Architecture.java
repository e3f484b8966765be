package io.quantwatch.engine.model;

/** {@code qwen2}: Llama's block with Q/K/V biases and NEOX rope. */
final class Qwen2Architecture implements Architecture {
    @Override
    public String name() {
        return "qwen2";
    }

    @Override
    public LlamaConfig.RopeStyle ropeStyle() {
        return LlamaConfig.RopeStyle.NEOX;
    }

    @Override
    public boolean attentionBiases() {
        return true;
    }
}
