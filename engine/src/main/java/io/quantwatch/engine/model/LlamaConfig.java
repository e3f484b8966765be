package io.quantwatch.engine.model;

/** Hyper-parameters of a Llama-family decoder. */
public record LlamaConfig(
        int dim,
        int hiddenDim,
        int layers,
        int heads,
        int kvHeads,
        int vocabSize,
        int contextLength,
        float ropeBase,
        float rmsEps) {

    public LlamaConfig {
        if (dim <= 0
                || hiddenDim <= 0
                || layers <= 0
                || heads <= 0
                || kvHeads <= 0
                || vocabSize <= 0
                || contextLength <= 0) {
            throw new IllegalArgumentException("every size must be positive: " + this);
        }
        if (dim % heads != 0) {
            throw new IllegalArgumentException("dim " + dim + " is not a multiple of the head count " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(
                    "head count " + heads + " is not a multiple of the KV head count " + kvHeads);
        }
        if ((dim / heads) % 2 != 0) {
            throw new IllegalArgumentException("head size " + dim / heads + " must be even for rotary embeddings");
        }
    }

    public int headSize() {
        return dim / heads;
    }

    public int kvDim() {
        return kvHeads * headSize();
    }
}
