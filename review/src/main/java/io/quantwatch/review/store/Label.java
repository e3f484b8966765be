package io.quantwatch.review.store;

import java.util.Arrays;
import java.util.Locale;

/** What a reviewer says of a divergent sample. */
public enum Label {
    REGRESSION,
    ACCEPTABLE,
    NOISE,
    NEEDS_SECOND_LOOK;

    /** The name stored and sent over the API: {@code regression}, …, {@code needs-second-look}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The label of a wire name; the error lists the valid ones. */
    public static Label ofWire(String wire) {
        for (Label l : values()) {
            if (l.wire().equals(wire)) {
                return l;
            }
        }
        throw new IllegalArgumentException("label '" + wire + "' is not one of "
                + Arrays.stream(values()).map(Label::wire).toList());
    }
}
