package io.quantwatch.engine.model;

/** {@code llama}: the reference block, adjacent-pair rope, attention biases and Llama 3.1's rope_freqs factors. */
final class LlamaArchitecture implements Architecture {
    @Override
    public String name() {
        return "llama";
    }

    @Override
    public LlamaConfig.RopeStyle ropeStyle() {
        return LlamaConfig.RopeStyle.ADJACENT;
    }

    @Override
    public boolean attentionBiases() {
        return true;
    }

    @Override
    public boolean ropeFrequencyFactors() {
        return true;
    }
}
