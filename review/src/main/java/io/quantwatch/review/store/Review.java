package io.quantwatch.review.store;

import java.time.Instant;

/** A reviewer's label on a sample, with who said it, why, and when. */
public record Review(Label label, String reviewer, String note, Instant at) {}
