package io.quantwatch.detectors;

import java.util.List;

/** One pipeline's greedy answer to a prompt: tokens, decoded text, why it stopped, and per-step top-k when the backend gives them. */
public record DecodeOutput(int[] tokens, String text, FinishReason finish, List<TopToken[]> topK) {

    public DecodeOutput {
        topK = topK == null ? List.of() : List.copyOf(topK);
    }
}
