package io.quantwatch.detectors.window;

import java.io.Serializable;

/** A mergeable count of hits among trials, with its Wilson 95 % interval. */
public record Rate(long hits, long trials) implements Serializable {
    public static final Rate EMPTY = new Rate(0, 0);

    public Rate add(boolean hit) {
        return new Rate(hits + (hit ? 1 : 0), trials + 1);
    }

    public Rate merge(Rate other) {
        return new Rate(hits + other.hits, trials + other.trials);
    }

    /** hits / trials, NaN when there were no trials. */
    public double value() {
        return trials == 0 ? Double.NaN : (double) hits / trials;
    }

    public WilsonInterval interval() {
        return WilsonInterval.of(hits, trials);
    }
}
