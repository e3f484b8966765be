package io.quantwatch.review.store;

import java.time.Instant;

/**
 * Which samples the queue shows; a null field does not filter. {@code label} is a label's wire name or
 * {@code unlabelled}.
 */
public record SampleFilter(
        String model,
        String candidate,
        String task,
        String tenant,
        String jsonFailure,
        Instant windowEnd,
        String label,
        Instant from,
        Instant to) {
    public static final SampleFilter ALL = new SampleFilter(null, null, null, null, null, null, null, null, null);

    public static final String UNLABELLED = "unlabelled";

    public SampleFilter {
        if (label != null && !label.equals(UNLABELLED)) {
            Label.ofWire(label); // names the valid labels
        }
    }
}
