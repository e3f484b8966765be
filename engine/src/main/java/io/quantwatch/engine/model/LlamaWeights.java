package io.quantwatch.engine.model;

import io.quantwatch.engine.tensor.WeightMatrix;
import java.util.List;

/** All weights of a Llama model; {@code output} may be the very object {@code tokenEmbedding} (tied). */
public record LlamaWeights(
        WeightMatrix tokenEmbedding, List<LayerWeights> layers, float[] outputNorm, WeightMatrix output) {

    public boolean tiedOutput() {
        return output == tokenEmbedding;
    }

    public long storageBytes() {
        long total = tokenEmbedding.storageBytes() + 4L * outputNorm.length;
        if (!tiedOutput()) {
            total += output.storageBytes();
        }
        for (LayerWeights l : layers) {
            total += 4L * normValues(l);
            for (LayerWeights.NamedMatrix m : l.projections(0)) {
                total += m.matrix().storageBytes();
            }
        }
        return total;
    }

    public long parameterCount() {
        long total = (long) tokenEmbedding.rows() * tokenEmbedding.cols() + outputNorm.length;
        if (!tiedOutput()) {
            total += (long) output.rows() * output.cols();
        }
        for (LayerWeights l : layers) {
            total += normValues(l);
            for (LayerWeights.NamedMatrix m : l.projections(0)) {
                total += (long) m.matrix().rows() * m.matrix().cols();
            }
        }
        return total;
    }

    private static long normValues(LayerWeights l) {
        long n = l.attnNorm().length + l.ffnNorm().length;
        if (l.post().attention() != null) {
            n += l.post().attention().length + l.post().ffn().length;
        }
        if (l.qkNorm().query() != null) {
            n += l.qkNorm().query().length + l.qkNorm().key().length;
        }
        return n;
    }
}
