package io.quantwatch.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Writes every topic's schema as a self-contained file (each named type defined where first used, so any Avro library
 * parses it alone) and prints the single-object fingerprints a record may carry: {@code java -cp … SchemaPublication
 * schemas/published}. A test keeps the committed files equal to the schemas in use.
 */
public final class SchemaPublication {
    /** The record of every topic the monitor reads or writes. */
    public static final List<Schema> TOPIC_SCHEMAS = List.of(
            PromptEvent.getClassSchema(),
            ChatRequestEvent.getClassSchema(),
            DeadLetter.getClassSchema(),
            ShadowRecord.getClassSchema(),
            DriftMetrics.getClassSchema(),
            DriftAlert.getClassSchema(),
            DivergentSample.getClassSchema());

    private SchemaPublication() {}

    /**
     * The schema as other languages should read it: self-contained, and without the Java code generator's
     * {@code avro.java.string} hints, which make Python's Avro write {@code {"type":"string"}} in its canonical form and
     * so fingerprint the schema differently.
     */
    public static String portable(Schema s) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode tree = json.readTree(s.toString());
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(strip(tree));
    }

    private static JsonNode strip(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove("avro.java.string");
            if (o.size() == 1 && o.path("type").isTextual()) {
                return o.get("type");
            }
            var it = o.fields();
            while (it.hasNext()) {
                var e = it.next();
                e.setValue(strip(e.getValue()));
            }
            return o;
        }
        if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, strip(a.get(i)));
            }
        }
        return n;
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "schemas/published");
        Files.createDirectories(dir);
        for (Schema s : TOPIC_SCHEMAS) {
            Files.writeString(dir.resolve(s.getName() + ".avsc"), portable(s) + "\n", StandardCharsets.UTF_8);
            System.out.printf(
                    "%s java=%016x python1.11=%016x%n",
                    s.getName(),
                    org.apache.avro.SchemaNormalization.parsingFingerprint64(s),
                    org.apache.avro.SchemaNormalization.fingerprint64(
                            CanonicalForm.of(s, true).getBytes(StandardCharsets.UTF_8)));
        }
    }
}
