package io.quantwatch.review.store;

/** A stored sample with its id and its current review, or null when nobody labelled it yet. */
public record ReviewedSample(String id, DivergentExample sample, Review review) {}
