package io.quantwatch.detectors;

/** A request's JSON Schema that cannot be used; the message says what is wrong in terms a producer can fix. */
public final class InvalidJsonSchemaException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidJsonSchemaException(String message) {
        super(message);
    }
}
