package io.quantwatch.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro bodies of Schema Registry framed records: read with the writer schema (the registry's, by id) resolved to the
 * reader's by Avro's schema resolution, and written behind a schema id.
 */
public final class FramedAvro {
    private FramedAvro() {}

    /** A framed record read as {@code type}: fields the writer lacks take their defaults, extra ones are skipped. */
    public static <T extends SpecificRecord> T readSpecific(byte[] framed, Schema writer, Class<T> type)
            throws IOException {
        // The class's own model carries its logical-type conversions (timestamp-millis as Instant).
        SpecificData model = SpecificData.getForClass(type);
        return read(framed, new SpecificDatumReader<>(writer, model.getSchema(type), model));
    }

    /** A framed record read generically: with {@code reader} when given (resolved), else as written. */
    public static GenericRecord readGeneric(byte[] framed, Schema writer, Schema reader) throws IOException {
        return read(framed, new GenericDatumReader<>(writer, reader == null ? writer : reader));
    }

    /** {@code record} in Avro binary behind {@code schemaId}. */
    public static byte[] write(int schemaId, SpecificRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(ConfluentFraming.frame(schemaId, new byte[0])); // the header, as ConfluentFraming lays it out
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new SpecificDatumWriter<SpecificRecord>(record.getSchema(), SpecificData.getForClass(record.getClass()))
                    .write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + record.getSchema().getFullName(), e);
        }
        return out.toByteArray();
    }

    private static <T> T read(byte[] framed, DatumReader<T> reader) throws IOException {
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(
                        framed, ConfluentFraming.HEADER_BYTES, framed.length - ConfluentFraming.HEADER_BYTES, null);
        T value = reader.read(null, decoder);
        if (!decoder.isEnd()) {
            // A body longer than its schema says: the id names another schema than the one it was written with.
            throw new AvroTypeException("the record has bytes left over after its last field: it was not written"
                    + " with the schema its id names");
        }
        return value;
    }
}
