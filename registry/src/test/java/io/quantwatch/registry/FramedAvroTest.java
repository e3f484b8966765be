package io.quantwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** Avro's schema resolution between a framed record's writer schema and the reader's, as teams evolve schemas. */
class FramedAvroTest {
    private static final Schema V1 = new Schema.Parser().parse("""
                    {"type": "record", "name": "ChatLog", "namespace": "com.acme", "fields": [
                      {"name": "id", "type": "string"}, {"name": "text", "type": "string"}]}""");
    private static final Schema V2 = new Schema.Parser().parse("""
                    {"type": "record", "name": "ChatLog", "namespace": "com.acme", "fields": [
                      {"name": "id", "type": "string"}, {"name": "text", "type": "string"},
                      {"name": "region", "type": "string", "default": "eu"}]}""");

    @Test
    void anOlderWriterIsReadWithTheReadersDefaults() throws IOException {
        byte[] framed = framed(7, V1, "r1", "hello");

        GenericRecord r = FramedAvro.readGeneric(framed, V1, V2);

        assertThat(r.get("id").toString()).isEqualTo("r1");
        assertThat(r.get("region").toString()).isEqualTo("eu");
    }

    @Test
    void aNewerWritersExtraFieldIsSkipped() throws IOException {
        GenericRecord v2 = new GenericData.Record(V2);
        v2.put("id", "r2");
        v2.put("text", "hi");
        v2.put("region", "us");
        byte[] framed = ConfluentFraming.frame(8, body(V2, v2));

        GenericRecord r = FramedAvro.readGeneric(framed, V2, V1);

        assertThat(r.getSchema().getFields()).hasSize(2);
        assertThat(r.get("text").toString()).isEqualTo("hi");
    }

    @Test
    void aReaderFieldWithoutDefaultThatTheWriterLacksIsRefusedByName() {
        Schema strict = new Schema.Parser().parse("""
                        {"type": "record", "name": "ChatLog", "namespace": "com.acme", "fields": [
                          {"name": "id", "type": "string"}, {"name": "tenant", "type": "string"}]}""");

        assertThatThrownBy(() -> FramedAvro.readGeneric(framed(7, V1, "r1", "x"), V1, strict))
                .isInstanceOf(AvroTypeException.class)
                .hasMessageContaining("tenant");
    }

    @Test
    void bytesLeftOverMeanTheIdNamesAnotherSchema() throws IOException {
        byte[] framed = framed(7, V1, "r1", "hello");
        Schema shorter = new Schema.Parser().parse("""
                        {"type": "record", "name": "ChatLog", "namespace": "com.acme", "fields": [
                          {"name": "id", "type": "string"}]}""");

        assertThatThrownBy(() -> FramedAvro.readGeneric(framed, shorter, null))
                .isInstanceOf(AvroTypeException.class)
                .hasMessageContaining("not written with the schema its id names");
    }

    private static byte[] framed(int id, Schema schema, String requestId, String text) throws IOException {
        GenericRecord r = new GenericData.Record(schema);
        r.put("id", requestId);
        r.put("text", text);
        return ConfluentFraming.frame(id, body(schema, r));
    }

    private static byte[] body(Schema schema, GenericRecord r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(r, e);
        e.flush();
        return out.toByteArray();
    }
}
