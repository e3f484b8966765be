package io.quantwatch.engine.gguf;

import io.quantwatch.engine.tensor.HalfFloat;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes GGUF v3 files from float data, encoding F32, F16, BF16, Q8_0 and Q4_0 with llama.cpp's
 * reference quantizers, so that tests and tools can produce models llama.cpp reads identically.
 */
public final class GgufWriter {
    private static final int ALIGNMENT = 32;

    /** A tensor to write: its values are asked for only while the file is written, one tensor at a time. */
    private record PendingTensor(String name, GgmlType type, long[] shape, long count, Supplier<float[]> values) {}

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();

    public GgufWriter put(String key, GgufValue value) {
        metadata.put(key, value);
        return this;
    }

    /** Drops a metadata key put before (a test model rewritten as another family stores it). */
    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    /** Adds a tensor; shape is ggml order (ne0, the row length, first). */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, float[] values) {
        checkCount(name, count(shape), values.length);
        return addTensor(name, type, shape, () -> values);
    }

    /**
     * Adds a tensor whose values {@code values} produces when the file is written, tensors in the order added, one
     * at a time: a model larger than the heap can be written.
     */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, Supplier<float[]> values) {
        long n = count(shape);
        type.bytesFor(n); // validates block alignment early
        tensors.add(new PendingTensor(name, type, shape.clone(), n, values));
        return this;
    }

    /**
     * Stores a tensor added before in another type, its values and place unchanged (e.g. one quantized matrix in an
     * otherwise F32 model).
     */
    public GgufWriter retype(String name, GgmlType type) {
        for (int i = 0; i < tensors.size(); i++) {
            PendingTensor t = tensors.get(i);
            if (t.name().equals(name)) {
                type.bytesFor(t.count());
                tensors.set(i, new PendingTensor(name, type, t.shape(), t.count(), t.values()));
                return this;
            }
        }
        throw new IllegalArgumentException("no tensor '" + name + "' to retype");
    }

    /**
     * Replaces tensors added before, one after another and of one type and row length, by one tensor of all their rows
     * in that order, at the first one's place (e.g. phi3's attn_qkv from attn_q, attn_k and attn_v). Their values are
     * still made one part after another when the file is written.
     */
    public GgufWriter fuse(String name, String... parts) {
        List<PendingTensor> found = new ArrayList<>();
        for (String part : parts) {
            PendingTensor t = tensors.stream()
                    .filter(x -> x.name().equals(part))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no tensor '" + part + "' to fuse"));
            if (!found.isEmpty()
                    && (t.type() != found.get(0).type()
                            || t.shape().length != 2
                            || t.shape()[0] != found.get(0).shape()[0])) {
                throw new IllegalArgumentException("tensor '" + part + "' differs in type or row length from '"
                        + parts[0] + "'; fused tensors share both");
            }
            found.add(t);
        }
        long rows = found.stream().mapToLong(t -> t.shape()[1]).sum();
        long count = found.stream().mapToLong(PendingTensor::count).sum();
        Supplier<float[]> values = () -> {
            float[] all = new float[Math.toIntExact(count)];
            int at = 0;
            for (PendingTensor t : found) {
                float[] v = t.values().get();
                checkCount(t.name(), t.count(), v.length);
                System.arraycopy(v, 0, all, at, v.length);
                at += v.length;
            }
            return all;
        };
        PendingTensor first = found.get(0);
        int index = tensors.indexOf(first);
        tensors.set(index, new PendingTensor(name, first.type(), new long[] {first.shape()[0], rows}, count, values));
        for (PendingTensor t : found.subList(1, found.size())) {
            tensors.remove(t);
        }
        return this;
    }

    /** Drops a tensor added before (e.g. an output layer that a model ties to its embedding); its values are never made. */
    public GgufWriter removeTensor(String name) {
        if (!tensors.removeIf(t -> t.name().equals(name))) {
            throw new IllegalArgumentException("no tensor '" + name + "' to remove");
        }
        return this;
    }

    private static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static void checkCount(String name, long expected, long given) {
        if (expected != given) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "': shape holds " + expected + " values but " + given + " were given");
        }
    }

    public void write(Path file) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            CountingSink sink = new CountingSink(out);
            sink.int32(0x46554747);
            sink.int32(3);
            sink.int64(tensors.size());
            sink.int64(metadata.size() + 1);
            sink.string("general.alignment");
            sink.int32(GgufValueType.UINT32.ordinal());
            sink.int32(ALIGNMENT);
            for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
                sink.string(e.getKey());
                writeValue(sink, e.getValue());
            }
            long offset = 0;
            for (PendingTensor t : tensors) {
                sink.string(t.name());
                sink.int32(t.shape().length);
                for (long d : t.shape()) {
                    sink.int64(d);
                }
                sink.int32(t.type().id());
                sink.int64(offset);
                offset = align(offset + t.type().bytesFor(t.count()));
            }
            sink.pad(align(sink.count) - sink.count);
            for (PendingTensor t : tensors) {
                float[] values = t.values().get();
                checkCount(t.name(), t.count(), values.length);
                byte[] data = encode(t.type(), values);
                sink.bytes(data);
                sink.pad(align(data.length) - data.length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static void writeValue(CountingSink sink, GgufValue v) throws IOException {
        sink.int32(v.type().ordinal());
        if (v.type() == GgufValueType.ARRAY) {
            sink.int32(v.elementType().ordinal());
            List<?> list = v.asList();
            sink.int64(list.size());
            for (Object o : list) {
                writeScalar(sink, v.elementType(), o);
            }
        } else {
            writeScalar(sink, v.type(), v.value());
        }
    }

    private static void writeScalar(CountingSink sink, GgufValueType type, Object o) throws IOException {
        switch (type) {
            case UINT8, INT8 -> sink.bytes(new byte[] {((Number) o).byteValue()});
            case UINT16, INT16 -> sink.int16(((Number) o).shortValue());
            case UINT32, INT32 -> sink.int32(((Number) o).intValue());
            case UINT64, INT64 -> sink.int64(((Number) o).longValue());
            case FLOAT32 -> sink.int32(Float.floatToRawIntBits(((Number) o).floatValue()));
            case FLOAT64 -> sink.int64(Double.doubleToRawLongBits(((Number) o).doubleValue()));
            case BOOL -> sink.bytes(new byte[] {(byte) (((Boolean) o) ? 1 : 0)});
            case STRING -> sink.string((String) o);
            case ARRAY -> throw new IllegalArgumentException("nested arrays are not part of GGUF");
        }
    }

    /**
     * Encodes values in a ggml type: bit-exact with llama.cpp's reference (non-SIMD) quantizers for Q8_0 and Q4_0;
     * K-quants through {@link KQuantBlocks}' simpler (valid, not identical) choice of scales.
     */
    public static byte[] encode(GgmlType type, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate((int) type.bytesFor(values.length)).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case F32 -> {
                for (float v : values) {
                    buf.putFloat(v);
                }
            }
            case F16 -> {
                for (float v : values) {
                    buf.putShort(HalfFloat.fromFloat(v));
                }
            }
            case BF16 -> {
                for (float v : values) {
                    buf.putShort(bf16RoundNearestEven(v));
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < values.length; b += 32) {
                    float amax = 0;
                    for (int j = 0; j < 32; j++) {
                        amax = Math.max(amax, Math.abs(values[b + j]));
                    }
                    float d = amax / 127f;
                    float id = d != 0 ? 1f / d : 0f;
                    buf.putShort(HalfFloat.fromFloat(d));
                    for (int j = 0; j < 32; j++) {
                        buf.put((byte) roundHalfAwayFromZero(values[b + j] * id));
                    }
                }
            }
            case Q4_K, Q5_K, Q6_K -> KQuantBlocks.encode(type, values, buf);
            case Q4_0 -> {
                for (int b = 0; b < values.length; b += 32) {
                    float amax = 0;
                    float max = 0;
                    for (int j = 0; j < 32; j++) {
                        float v = values[b + j];
                        if (amax < Math.abs(v)) {
                            amax = Math.abs(v);
                            max = v;
                        }
                    }
                    float d = max / -8f;
                    float id = d != 0 ? 1f / d : 0f;
                    buf.putShort(HalfFloat.fromFloat(d));
                    for (int j = 0; j < 16; j++) {
                        int lo = Math.min(15, (int) (values[b + j] * id + 8.5f));
                        int hi = Math.min(15, (int) (values[b + 16 + j] * id + 8.5f));
                        buf.put((byte) (lo | (hi << 4)));
                    }
                }
            }
        }
        return buf.array();
    }

    /** C's roundf, which ggml uses; Java's Math.round rounds halves towards positive infinity. */
    private static int roundHalfAwayFromZero(float v) {
        return v < 0 ? -Math.round(-v) : Math.round(v);
    }

    private static short bf16RoundNearestEven(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 64); // quiet NaN
        }
        return (short) ((bits + (0x7FFF + ((bits >>> 16) & 1))) >>> 16);
    }

    private static final class CountingSink {
        private final OutputStream out;
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long count;

        CountingSink(OutputStream out) {
            this.out = out;
        }

        void int16(short v) throws IOException {
            scratch.clear();
            scratch.putShort(v);
            out.write(scratch.array(), 0, 2);
            count += 2;
        }

        void int32(int v) throws IOException {
            scratch.clear();
            scratch.putInt(v);
            out.write(scratch.array(), 0, 4);
            count += 4;
        }

        void int64(long v) throws IOException {
            scratch.clear();
            scratch.putLong(v);
            out.write(scratch.array(), 0, 8);
            count += 8;
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            int64(b.length);
            bytes(b);
        }

        void bytes(byte[] b) throws IOException {
            out.write(b);
            count += b.length;
        }

        void pad(long n) throws IOException {
            for (long i = 0; i < n; i++) {
                out.write(0);
            }
            count += n;
        }
    }
}
