package io.quantwatch.review.store;

import java.time.Instant;

/**
 * One of a window's worst divergent examples as the monitor published it: the key, where the outputs part, and both
 * texts (untrusted model output; redacted unless the monitor was told otherwise).
 */
public record DivergentExample(
        String requestId,
        String model,
        String candidate,
        String task,
        String tenant,
        Instant windowEnd,
        double badness,
        int firstDivergentToken,
        double meanKl,
        String jsonFailure,
        boolean redacted,
        String referenceText,
        String candidateText) {

    /** The id a replayed copy of this sample gets too: the same request, candidate, window key and window. */
    public String id() {
        return StoreIds.of(requestId, model, candidate, task, tenant, windowEnd.toEpochMilli());
    }
}
