package io.quantwatch.review.store;

import java.time.Instant;

/** An alert rule changing state (FIRING or RESOLVED) for one key at the end of a window. */
public record AlertChange(
        String rule,
        String metric,
        String state,
        String model,
        String candidate,
        String task,
        String tenant,
        Instant windowEnd,
        double value,
        double lower,
        double upper,
        double threshold,
        long samples) {

    String id() {
        return StoreIds.of(rule, state, model, candidate, task, tenant, windowEnd.toEpochMilli());
    }
}
