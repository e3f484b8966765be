package io.quantwatch.engine.model;

import io.quantwatch.engine.tensor.WeightMatrix;
import java.util.List;

/** One transformer block's weights: norms stay float, the seven projections may be in any format. */
public record LayerWeights(
        float[] attnNorm,
        WeightMatrix wq,
        WeightMatrix wk,
        WeightMatrix wv,
        WeightMatrix wo,
        float[] ffnNorm,
        WeightMatrix gate,
        WeightMatrix up,
        WeightMatrix down) {

    /** The projections in a fixed order, with the GGUF tensor suffix each is known by. */
    public List<NamedMatrix> projections(int layer) {
        String p = "blk." + layer + ".";
        return List.of(
                new NamedMatrix(p + "attn_q.weight", wq),
                new NamedMatrix(p + "attn_k.weight", wk),
                new NamedMatrix(p + "attn_v.weight", wv),
                new NamedMatrix(p + "attn_output.weight", wo),
                new NamedMatrix(p + "ffn_gate.weight", gate),
                new NamedMatrix(p + "ffn_up.weight", up),
                new NamedMatrix(p + "ffn_down.weight", down));
    }

    /** A matrix with the tensor name it was loaded from. */
    public record NamedMatrix(String name, WeightMatrix matrix) {}
}
