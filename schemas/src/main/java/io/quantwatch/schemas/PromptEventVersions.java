package io.quantwatch.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;

/**
 * Reads {@link PromptEvent}s written with any published version of its schema: producers built against an older
 * quantwatch-schemas keep working after a field is added (each older version is kept under {@code history/} and read
 * through Avro's schema resolution into the current class).
 */
public final class PromptEventVersions {
    /** Every earlier version of PromptEvent.avsc, oldest first. */
    private static final List<String> HISTORY = List.of("PromptEvent-v1.avsc");

    private PromptEventVersions() {}

    /** A single-object decoder that knows the current schema and every earlier one. */
    public static BinaryMessageDecoder<PromptEvent> decoder() {
        BinaryMessageDecoder<PromptEvent> decoder = PromptEvent.createDecoder(null);
        HISTORY.forEach(name -> decoder.addSchema(schema(name)));
        return decoder;
    }

    /** Every version of the schema, oldest first, the current one last. */
    public static List<Schema> all() {
        List<Schema> versions = new ArrayList<>();
        HISTORY.forEach(name -> versions.add(schema(name)));
        versions.add(PromptEvent.getClassSchema());
        return versions;
    }

    /** An earlier version of the schema, by file name. */
    public static Schema schema(String name) {
        try (InputStream in = PromptEventVersions.class.getResourceAsStream("history/" + name)) {
            if (in == null) {
                throw new IllegalStateException("quantwatch-schemas lacks history/" + name);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
