package io.quantwatch.engine.model;

import io.quantwatch.engine.tensor.DotKernels;
import io.quantwatch.engine.tokenizer.Tokenizer;
import java.nio.file.Path;

/**
 * A loaded Llama-family model: immutable, safe to share between threads. Per-request state (the
 * KV cache and activations) lives in an {@link InferenceSession}.
 */
public final class LlamaModel {
    private final String name;
    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final Tokenizer tokenizer;
    private final DotKernels kernels;

    public LlamaModel(String name, LlamaConfig config, LlamaWeights weights, Tokenizer tokenizer, DotKernels kernels) {
        this.name = name;
        this.config = config;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.kernels = kernels;
    }

    /** Loads a GGUF file with the preferred kernels. */
    public static LlamaModel load(Path gguf) {
        return load(gguf, DotKernels.preferred());
    }

    public static LlamaModel load(Path gguf, DotKernels kernels) {
        return GgufLlamaLoader.load(gguf, kernels);
    }

    public String name() {
        return name;
    }

    public LlamaConfig config() {
        return config;
    }

    public LlamaWeights weights() {
        return weights;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public DotKernels kernels() {
        return kernels;
    }

    /** The same model with other weights (a quantized variant) under another name. */
    public LlamaModel withWeights(String newName, LlamaWeights newWeights) {
        return new LlamaModel(newName, config, newWeights, tokenizer, kernels);
    }

    /** A fresh session with a KV cache of {@code maxTokens} positions (at most the context length). */
    public InferenceSession newSession(int threads, int maxTokens) {
        return newSession(threads, maxTokens, InferenceSession.DEFAULT_BLOCK);
    }

    /**
     * A session that feeds at most {@code blockTokens} tokens per batched pass; 1 feeds everything token by token,
     * computing the logits of every prompt position, as the engine did before batching (benchmarks compare the two).
     */
    public InferenceSession newSession(int threads, int maxTokens, int blockTokens) {
        return new InferenceSession(this, threads, Math.min(maxTokens, config.contextLength()), blockTokens);
    }

    public InferenceSession newSession(int threads) {
        return newSession(threads, config.contextLength());
    }
}
