package io.quantwatch.chat.jinja;

import java.util.ArrayList;
import java.util.List;

/** A tuple literal's value: a list everywhere, except that the reference renderer cannot print it or write it as JSON. */
final class Tuple extends ArrayList<Object> {
    private static final long serialVersionUID = 1L;

    Tuple(List<Object> items) {
        super(items);
    }
}
