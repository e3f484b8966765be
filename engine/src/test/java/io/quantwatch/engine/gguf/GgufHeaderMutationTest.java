package io.quantwatch.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.model.RandomLlamaGguf;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GGUF headers with their structural fields — counts, string and array lengths, value types, tensor dimensions, types
 * and offsets — set to hostile values (huge, negative, zero, overflowing) either load or are refused with a
 * {@link GgufFormatException} or {@link IllegalArgumentException} that says why: never an OutOfMemoryError, a hang,
 * another exception, or an allocation out of proportion to the file.
 */
class GgufHeaderMutationTest {
    private static final long[] HOSTILE = {
        0,
        1,
        -1,
        2,
        0x7FFF_FFFFL,
        0x8000_0000L,
        0xFFFF_FFFFL,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        Long.MAX_VALUE - 31,
        1L << 40,
        1L << 28,
        1L << 20
    };
    /** Loading a 100 KB file may allocate a few MB (a model, a vocabulary); never hundreds. */
    private static final long MAX_ALLOCATED_BYTES = 64L << 20;

    @TempDir
    Path dir;

    /** Where a structural field of the header lies, and how wide it is. */
    private record Field(String what, int at, int width) {}

    @Test
    void everyHostileHeaderFieldLoadsOrIsRefusedWithAReason() throws Exception {
        Path original = dir.resolve("tiny.gguf");
        RandomLlamaGguf.write(new RandomLlamaGguf.Spec(32, 64, 1, 4, 2, 300, 64, 7, false), GgmlType.F32, original);
        byte[] bytes = Files.readAllBytes(original);
        List<Field> fields = structure(bytes);
        Random random = new Random(2026);
        Map<String, Integer> outcomes = new TreeMap<>();
        Path mutated = dir.resolve("mutated.gguf");
        for (Field f : fields) {
            for (long value : HOSTILE) {
                outcomes.merge(tryLoad(bytes, mutated, List.of(f), new long[] {value}), 1, Integer::sum);
            }
        }
        for (int run = 0; run < 500; run++) { // two or three fields at once
            List<Field> some = new ArrayList<>();
            long[] values = new long[2 + random.nextInt(2)];
            for (int i = 0; i < values.length; i++) {
                some.add(fields.get(random.nextInt(fields.size())));
                values[i] = HOSTILE[random.nextInt(HOSTILE.length)];
            }
            outcomes.merge(tryLoad(bytes, mutated, some, values), 1, Integer::sum);
        }
        System.out.println("gguf header mutations: " + fields.size() + " fields, " + outcomes);
        assertThat(outcomes.keySet()).allMatch(o -> o.equals("loaded") || o.startsWith("refused"));
    }

    private static String tryLoad(byte[] bytes, Path file, List<Field> fields, long[] values) throws Exception {
        byte[] m = bytes.clone();
        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder what = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (f.width() == 8) {
                b.putLong(f.at(), values[i]);
            } else {
                b.putInt(f.at(), (int) values[i]);
            }
            what.append(f.what()).append('=').append(values[i]).append(' ');
        }
        Files.write(file, m);
        String outcome = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> load(file));
        return outcome.equals("loaded") || outcome.startsWith("refused") ? outcome : outcome + " after " + what;
    }

    private static String load(Path file) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        String outcome;
        try {
            LlamaModel.load(file);
            outcome = "loaded";
        } catch (GgufFormatException | IllegalArgumentException e) {
            outcome = e.getMessage() == null || e.getMessage().isBlank()
                    ? "no reason: " + e.getClass().getSimpleName()
                    : "refused: " + e.getClass().getSimpleName();
        } catch (RuntimeException e) {
            outcome = "unexpected " + e.getClass().getName() + ": " + e.getMessage();
        } catch (OutOfMemoryError e) {
            outcome = "OutOfMemoryError: " + e.getMessage();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        return allocated > MAX_ALLOCATED_BYTES ? "allocated " + (allocated >> 20) + " MB, then " + outcome : outcome;
    }

    /** The structural fields of a GGUF header, found by walking it as the format defines. */
    private static List<Field> structure(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Field> fields = new ArrayList<>();
        b.position(8);
        fields.add(new Field("tensor count", b.position(), 8));
        long tensors = b.getLong();
        fields.add(new Field("metadata count", b.position(), 8));
        long kvs = b.getLong();
        for (long i = 0; i < kvs; i++) {
            String key = string(b, fields, "key length");
            fields.add(new Field(key + " type", b.position(), 4));
            int type = b.getInt();
            value(b, fields, key, type);
        }
        for (long i = 0; i < tensors; i++) {
            String name = string(b, fields, "tensor name length");
            fields.add(new Field(name + " dims", b.position(), 4));
            int dims = b.getInt();
            for (int d = 0; d < dims; d++) {
                fields.add(new Field(name + " dim " + d, b.position(), 8));
                b.getLong();
            }
            fields.add(new Field(name + " type", b.position(), 4));
            b.getInt();
            fields.add(new Field(name + " offset", b.position(), 8));
            b.getLong();
        }
        return fields;
    }

    private static String string(ByteBuffer b, List<Field> fields, String what) {
        fields.add(new Field(what, b.position(), 8));
        int len = (int) b.getLong();
        byte[] s = new byte[len];
        b.get(s);
        return new String(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void value(ByteBuffer b, List<Field> fields, String key, int type) {
        GgufValueType t = GgufValueType.byId(type);
        if (t == GgufValueType.ARRAY) {
            fields.add(new Field(key + " element type", b.position(), 4));
            int elem = b.getInt();
            fields.add(new Field(key + " array length", b.position(), 8));
            long n = b.getLong();
            boolean first = true;
            for (long i = 0; i < n; i++) {
                if (GgufValueType.byId(elem) == GgufValueType.STRING) {
                    // Only the first string's length: every field of a 300-token vocabulary would be slow to try.
                    int at = b.position();
                    int len = (int) b.getLong();
                    if (first) {
                        fields.add(new Field(key + "[0] length", at, 8));
                        first = false;
                    }
                    b.position(b.position() + len);
                } else {
                    scalar(b, GgufValueType.byId(elem));
                }
            }
        } else if (t == GgufValueType.STRING) {
            string(b, fields, key + " length");
        } else {
            scalar(b, t);
        }
    }

    private static void scalar(ByteBuffer b, GgufValueType t) {
        switch (t) {
            case UINT8, INT8, BOOL -> b.get();
            case UINT16, INT16 -> b.getShort();
            case UINT32, INT32, FLOAT32 -> b.getInt();
            default -> b.getLong();
        }
    }
}
