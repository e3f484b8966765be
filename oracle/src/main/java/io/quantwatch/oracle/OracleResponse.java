package io.quantwatch.oracle;

import java.util.List;

/**
 * What llama.cpp answered: token ids per encoded text, and per generation the streamed pieces
 * (one per generated token, as the server streams them), the full text and timings.
 */
public record OracleResponse(List<int[]> encoded, List<GenerationResult> generations) {

    /**
     * Pieces in generation order; {@code firstPieceNanos} is when the first arrived (prefill plus one
     * step), {@code lastPieceNanos} when the last did, both from the request's start.
     */
    public record GenerationResult(List<String> pieces, String text, long firstPieceNanos, long lastPieceNanos) {

        /** Decode speed over the tokens after the first. */
        public double decodeTokensPerSecond() {
            int n = pieces.size();
            return n < 2 || lastPieceNanos <= firstPieceNanos ? 0 : (n - 1) * 1e9 / (lastPieceNanos - firstPieceNanos);
        }
    }
}
