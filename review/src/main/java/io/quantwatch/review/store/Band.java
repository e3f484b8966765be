package io.quantwatch.review.store;

/** A rate with its Wilson 95 % interval; NaN when the window had no trials. */
public record Band(double value, double lower, double upper) {
    public static final Band NONE = new Band(Double.NaN, Double.NaN, Double.NaN);
}
