package io.quantwatch.review.store;

import java.time.Instant;

/** One closed window of one (model, candidate, task, tenant) key: the figures the timeline draws. */
public record WindowPoint(
        String model,
        String candidate,
        String task,
        String tenant,
        Instant windowStart,
        Instant windowEnd,
        long prompts,
        Band identical,
        Band sameTop1,
        double meanKl,
        double klP95,
        Band jsonBroken,
        Band eosEarly,
        Band eosLate,
        String verdict) {

    String id() {
        return StoreIds.of(model, candidate, task, tenant, windowEnd.toEpochMilli());
    }
}
