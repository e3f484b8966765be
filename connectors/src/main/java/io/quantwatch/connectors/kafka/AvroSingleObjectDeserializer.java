package io.quantwatch.connectors.kafka;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.AbstractDeserializationSchema;

/**
 * Reads Avro single-object encoded records of one class (the monitor's own output topics).
 * {@code flink-avro}'s schema cannot read this framing, hence this small class.
 */
public final class AvroSingleObjectDeserializer<T extends SpecificRecord> extends AbstractDeserializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private transient BinaryMessageDecoder<T> decoder;

    public AvroSingleObjectDeserializer(Class<T> type) {
        super(type);
    }

    @Override
    public T deserialize(byte[] message) throws IOException {
        if (decoder == null) {
            @SuppressWarnings("unchecked")
            Class<T> type = (Class<T>) getProducedType().getTypeClass();
            decoder = new BinaryMessageDecoder<>(
                    SpecificData.getForClass(type), SpecificData.get().getSchema(type));
        }
        return decoder.decode(ByteBuffer.wrap(message));
    }

    /** Decodes one value outside Flink (the live table and tests read topics with a plain consumer). */
    public static <R extends SpecificRecord> R decode(Class<R> type, byte[] message) throws IOException {
        return new BinaryMessageDecoder<R>(
                        SpecificData.getForClass(type), SpecificData.get().getSchema(type))
                .decode(ByteBuffer.wrap(message));
    }
}
