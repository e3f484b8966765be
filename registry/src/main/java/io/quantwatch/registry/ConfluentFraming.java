package io.quantwatch.registry;

import java.nio.ByteBuffer;

/**
 * The Schema Registry wire format most Avro shops use: magic byte {@code 0}, the writer schema's id as a 4-byte
 * big-endian integer, then the Avro binary body.
 */
public final class ConfluentFraming {
    /** The first byte of every framed record. */
    public static final byte MAGIC = 0;
    /** Bytes before the Avro body. */
    public static final int HEADER_BYTES = 5;

    private ConfluentFraming() {}

    /** Whether {@code value} starts like a framed record (an empty body is a valid Avro record of no fields). */
    public static boolean isFramed(byte[] value) {
        return value != null && value.length >= HEADER_BYTES && value[0] == MAGIC;
    }

    /** The writer schema's id of a framed record. */
    public static int schemaId(byte[] value) {
        if (!isFramed(value)) {
            throw new IllegalArgumentException("not a Schema Registry framed record (magic byte 0, 4-byte schema id)");
        }
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    /** {@code body} framed with {@code schemaId}. */
    public static byte[] frame(int schemaId, byte[] body) {
        return ByteBuffer.allocate(HEADER_BYTES + body.length)
                .put(MAGIC)
                .putInt(schemaId)
                .put(body)
                .array();
    }
}
