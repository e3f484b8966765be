package io.quantwatch.registry;

/** A Schema Registry request that failed; {@link #kind()} says whether waiting could help. */
public final class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the registry did not answer as asked. */
    public enum Kind {
        /** Unreachable, timing out, or answering 5xx/429 for longer than the outage wait: the record may be replayed. */
        UNAVAILABLE,
        /** 401/403, or a TLS handshake refused: the configuration must change. */
        ACCESS_DENIED,
        /** The schema id or subject is unknown to the registry. */
        NOT_FOUND,
        /** The registry answered something the monitor cannot use (a Protobuf schema, an unparsable Avro schema). */
        UNUSABLE
    }

    private final Kind kind;

    public SchemaRegistryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public SchemaRegistryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
