package io.quantwatch.connectors.kafka;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

/**
 * A team's own request schema, read as the monitor's: each field the monitor needs is taken from a JSON Pointer into
 * the team's record ({@code input.fields}), unmapped ones from the record's own field of the same name; the team's Avro
 * schemas ({@code input.avro-schemas}) let their single-object records be read and mapped the same way. A field that is
 * missing or mistyped is reported with the path it was read from.
 */
public final class RecordMapping {
    /** What the monitor can take from a record: a prompt record's fields, and a chat request's. */
    public static final Set<String> TARGETS = Set.of(
            "request_id",
            "tenant",
            "model",
            "task",
            "event_time",
            "prompt",
            "response_format",
            "json_schema",
            "sentences",
            "max_tokens",
            "stop",
            "request",
            "messages",
            "tools",
            "tool_choice",
            "user",
            "metadata");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code fields}: target → JSON Pointer; {@code avroSchemas}: .avsc files of the team's records. */
    public record Settings(Map<String, String> fields, List<String> avroSchemas) implements Serializable {
        public static Settings none() {
            return new Settings(Map.of(), List.of());
        }
    }

    private final Map<String, JsonPointer> fields = new LinkedHashMap<>();
    private final Map<Long, Schema> avro = new HashMap<>();

    private RecordMapping() {}

    /** Compiles the pointers and reads the schemas; a bad one is refused naming the setting. */
    public static RecordMapping load(Settings s) {
        RecordMapping m = new RecordMapping();
        if (s == null) {
            return m;
        }
        s.fields().forEach((target, pointer) -> {
            if (!TARGETS.contains(target)) {
                throw new IllegalArgumentException(
                        "input.fields." + target + ": not a field the monitor reads; use one of " + TARGETS);
            }
            try {
                m.fields.put(target, JsonPointer.compile(pointer));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "input.fields." + target + ": '" + pointer
                                + "' is not a JSON Pointer (write /outer/inner, /list/0)",
                        e);
            }
        });
        for (String file : s.avroSchemas()) {
            try {
                Schema schema = new Schema.Parser().parse(Path.of(file).toFile());
                // Java's fingerprint and other languages' (a Python producer's), all naming this schema.
                for (long f : io.quantwatch.schemas.CanonicalForm.fingerprints(schema)) {
                    m.avro.put(f, schema);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("input.avro-schemas: cannot read " + file, e);
            }
        }
        return m;
    }

    /** Whether any field is mapped (otherwise records are read as the monitor's own shape). */
    public boolean mapsFields() {
        return !fields.isEmpty();
    }

    /** The team's schema a single-object record was written with, or null. */
    public Schema avroSchemaOf(byte[] value) {
        if (avro.isEmpty() || value.length < 10) {
            return null;
        }
        return avro.get(
                ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }

    /** The team's schema named {@code fullName} ({@code input.avro-schemas}): the reader of their framed records. */
    public Schema avroSchemaNamed(String fullName) {
        return avro.values().stream()
                .filter(s -> s.getFullName().equals(fullName))
                .findFirst()
                .orElse(null);
    }

    /** A team's single-object Avro record as the JSON tree the mapping reads. */
    static JsonNode avroAsJson(byte[] value, Schema schema) throws IOException {
        return asJson(new GenericDatumReader<GenericRecord>(schema)
                .read(null, DecoderFactory.get().binaryDecoder(value, 10, value.length - 10, null)));
    }

    /** A generic Avro record as the JSON tree the mapping reads. */
    static JsonNode asJson(GenericRecord r) throws IOException {
        return JSON.readTree(GenericData.get().toString(r));
    }

    /** The record in the monitor's shape: mapped fields from their paths, the rest as the record has them. */
    ObjectNode apply(JsonNode source) {
        ObjectNode out = source.isObject() ? ((ObjectNode) source).deepCopy() : JSON.createObjectNode();
        fields.forEach((target, pointer) -> {
            JsonNode v = source.at(pointer);
            if (v.isMissingNode()) {
                out.remove(target);
            } else {
                out.set(target, v);
            }
        });
        return out;
    }

    /** A reason that names a mapped field also names the path it was read from. */
    String explain(String reason) {
        String r = reason;
        for (var e : fields.entrySet()) {
            r = r.replace("field '" + e.getKey() + "'", "field '" + e.getKey() + "' (read from " + e.getValue() + ")");
        }
        return r;
    }
}
