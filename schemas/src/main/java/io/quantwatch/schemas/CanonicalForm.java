package io.quantwatch.schemas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The Parsing Canonical Form of a schema as the Avro libraries of other languages write it, whose 64-bit fingerprint a
 * single-object record carries. Java's form writes a primitive with a logical type as {@code "long"}; Apache Avro's
 * Python 1.11 (Debian's python3-avro) writes {@code {"type":"long"}}, so a Python producer's PromptEvent carries another
 * fingerprint for the same schema. Both are accepted.
 */
public final class CanonicalForm {
    private CanonicalForm() {}

    /**
     * For each schema, the fingerprint another language's library computes, mapped to the one Java's Avro computes: a
     * record carrying the former is read as if it carried the latter (Avro's decoders know only Java's).
     */
    public static Map<Long, Long> aliases(List<Schema> schemas) {
        Map<Long, Long> out = new HashMap<>();
        for (Schema s : schemas) {
            long java = SchemaNormalization.parsingFingerprint64(s);
            for (long f : fingerprints(s)) {
                if (f != java) {
                    out.put(f, java);
                }
            }
        }
        return out;
    }

    /** {@code record} with its single-object fingerprint replaced by Java's when it carries an alias; else itself. */
    public static byte[] withJavaFingerprint(byte[] record, Map<Long, Long> aliases) {
        if (record.length < 10) {
            return record;
        }
        ByteBuffer header = ByteBuffer.wrap(record, 2, 8).order(ByteOrder.LITTLE_ENDIAN);
        Long java = aliases.get(header.getLong());
        if (java == null) {
            return record;
        }
        byte[] copy = record.clone();
        ByteBuffer.wrap(copy, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(java);
        return copy;
    }

    /** The fingerprints a producer may put in front of a record written with {@code schema}. */
    public static Set<Long> fingerprints(Schema schema) {
        Set<Long> out = new HashSet<>();
        out.add(SchemaNormalization.parsingFingerprint64(schema));
        out.add(SchemaNormalization.fingerprint64(of(schema, true).getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    /**
     * The canonical form: {@code pythonStyle} false gives Java's ({@link SchemaNormalization#toParsingForm}), true gives
     * Python 1.11's, which keeps a primitive that carried a logical type as an object.
     */
    public static String of(Schema schema, boolean pythonStyle) {
        StringBuilder out = new StringBuilder();
        write(schema, pythonStyle, new HashSet<>(), out);
        return out.toString();
    }

    private static void write(Schema s, boolean python, Set<String> seen, StringBuilder out) {
        switch (s.getType()) {
            case UNION -> {
                out.append('[');
                for (int i = 0; i < s.getTypes().size(); i++) {
                    out.append(i == 0 ? "" : ",");
                    write(s.getTypes().get(i), python, seen, out);
                }
                out.append(']');
            }
            case ARRAY -> {
                out.append("{\"type\":\"array\",\"items\":");
                write(s.getElementType(), python, seen, out);
                out.append('}');
            }
            case MAP -> {
                out.append("{\"type\":\"map\",\"values\":");
                write(s.getValueType(), python, seen, out);
                out.append('}');
            }
            case RECORD, ENUM, FIXED -> {
                String name = s.getFullName();
                if (!seen.add(name)) {
                    out.append('"').append(name).append('"');
                    return;
                }
                out.append("{\"name\":\"")
                        .append(name)
                        .append("\",\"type\":\"")
                        .append(s.getType().getName())
                        .append('"');
                if (s.getType() == Schema.Type.RECORD) {
                    out.append(",\"fields\":[");
                    for (int i = 0; i < s.getFields().size(); i++) {
                        Schema.Field f = s.getFields().get(i);
                        out.append(i == 0 ? "" : ",")
                                .append("{\"name\":\"")
                                .append(f.name())
                                .append("\",\"type\":");
                        write(f.schema(), python, seen, out);
                        out.append('}');
                    }
                    out.append(']');
                } else if (s.getType() == Schema.Type.ENUM) {
                    out.append(",\"symbols\":[");
                    for (int i = 0; i < s.getEnumSymbols().size(); i++) {
                        out.append(i == 0 ? "" : ",")
                                .append('"')
                                .append(s.getEnumSymbols().get(i))
                                .append('"');
                    }
                    out.append(']');
                } else {
                    out.append(",\"size\":").append(s.getFixedSize());
                }
                out.append('}');
            }
            default -> {
                if (python && s.getLogicalType() != null) {
                    out.append("{\"type\":\"").append(s.getType().getName()).append("\"}");
                } else {
                    out.append('"').append(s.getType().getName()).append('"');
                }
            }
        }
    }
}
