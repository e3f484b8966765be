package io.quantwatch.oracle;

import java.util.List;

/**
 * What to ask llama.cpp: a GGUF file, its thread count, texts to tokenize, and greedy generations
 * from given prompt token ids.
 */
public record OracleRequest(
        String model, int threads, int contextSize, List<String> encode, List<Generation> generations) {

    /** One greedy generation of at most {@code maxTokens} after {@code promptTokens}. */
    public record Generation(int[] promptTokens, int maxTokens) {}
}
