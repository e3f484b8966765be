package io.quantwatch.connectors.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Writes Avro records in single-object encoding (magic {@code C3 01}, the schema's 64-bit
 * fingerprint, then the binary body): every record names its schema without a registry.
 */
public final class AvroSingleObjectSerializer<T extends SpecificRecord> implements SerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private transient BinaryMessageEncoder<T> encoder;

    public AvroSingleObjectSerializer(Class<T> type) {
        this.type = type;
    }

    @Override
    public byte[] serialize(T element) {
        if (encoder == null) {
            encoder = new BinaryMessageEncoder<>(
                    SpecificData.getForClass(type), SpecificData.get().getSchema(type));
        }
        try {
            ByteBuffer buf = encoder.encode(element);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
        }
    }
}
