package io.quantwatch.chat.jinja;

/** The value of a name or key that does not exist: prints nothing, is false, and {@code is defined} is false. */
final class Undefined {
    static final Undefined INSTANCE = new Undefined();

    private Undefined() {}

    @Override
    public String toString() {
        return "undefined";
    }
}
