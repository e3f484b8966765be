package io.quantwatch.engine.model;

import io.quantwatch.engine.tensor.WeightMatrix;
import java.util.List;

/**
 * One transformer block's weights: norms and biases stay float, the seven projections may be in any format.
 */
public record LayerWeights(
        float[] attnNorm,
        WeightMatrix wq,
        WeightMatrix wk,
        WeightMatrix wv,
        WeightMatrix wo,
        float[] ffnNorm,
        WeightMatrix gate,
        WeightMatrix up,
        WeightMatrix down,
        AttentionBias bias,
        PostNorms post,
        QueryKeyNorms qkNorm) {

    /** Biases added after the attention projections ({@code blk.N.attn_*.bias}); each null when the file has none. */
    public record AttentionBias(float[] q, float[] k, float[] v, float[] output) {
        public static final AttentionBias NONE = new AttentionBias(null, null, null, null);
    }

    /** RMS norm weights applied to the attention's and the feed-forward's outputs before the residual (Gemma). */
    public record PostNorms(float[] attention, float[] ffn) {
        public static final PostNorms NONE = new PostNorms(null, null);
    }

    /** Per-head RMS norm weights of queries and keys, applied before the rotation (Qwen3, Gemma 3); null: none. */
    public record QueryKeyNorms(float[] query, float[] key) {
        public static final QueryKeyNorms NONE = new QueryKeyNorms(null, null);
    }

    /** A block without biases or post-norms. */
    public LayerWeights(
            float[] attnNorm,
            WeightMatrix wq,
            WeightMatrix wk,
            WeightMatrix wv,
            WeightMatrix wo,
            float[] ffnNorm,
            WeightMatrix gate,
            WeightMatrix up,
            WeightMatrix down) {
        this(attnNorm, wq, wk, wv, wo, ffnNorm, gate, up, down, AttentionBias.NONE, PostNorms.NONE, QueryKeyNorms.NONE);
    }

    /** The same block with other projections (quantized, unpacked): norms, biases and post-norms kept. */
    public LayerWeights withProjections(
            WeightMatrix wq,
            WeightMatrix wk,
            WeightMatrix wv,
            WeightMatrix wo,
            WeightMatrix gate,
            WeightMatrix up,
            WeightMatrix down) {
        return new LayerWeights(attnNorm, wq, wk, wv, wo, ffnNorm, gate, up, down, bias, post, qkNorm);
    }

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
