package io.quantwatch.engine.generate;

import java.util.List;

/**
 * What one greedy decode produced: the generated tokens (stop token excluded), the top-k
 * alternatives with log-probabilities at every step (entry i is the distribution token i was
 * chosen from; one more entry when the decode ended on EOS), why it stopped, and its timings.
 */
public record GenerationTrace(
        int[] promptTokens,
        int[] tokens,
        List<TokenLogprob[]> topK,
        FinishReason finishReason,
        long prefillNanos,
        long decodeNanos) {

    public int length() {
        return tokens.length;
    }

    /** Decode speed in tokens per second (tokens after the first, over decode time). */
    public double decodeTokensPerSecond() {
        return decodeNanos == 0 ? 0 : tokens.length * 1e9 / decodeNanos;
    }
}
