package io.quantwatch.detectors.window;

import java.io.Serializable;

/**
 * Which served model, candidate pipeline, task and tenant a window covers; task and tenant are {@value #ALL} on a
 * candidate's roll-up.
 */
public record WindowKey(String model, String candidate, String task, String tenant) implements Serializable {
    /** The task and tenant of a roll-up window. */
    public static final String ALL = "*";

    /** This key's candidate roll-up. */
    public WindowKey rollup() {
        return new WindowKey(model, candidate, ALL, ALL);
    }

    public boolean isRollup() {
        return ALL.equals(task) && ALL.equals(tenant);
    }
}
