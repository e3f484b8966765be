package io.quantwatch.engine.gguf;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF v2/v3 file opened read-only: metadata and tensor directory parsed eagerly, tensor data
 * memory-mapped on demand (each tensor separately, so files above 2 GiB work).
 */
public final class GgufFile implements AutoCloseable {
    private static final int MAGIC = 0x46554747; // "GGUF" little-endian
    private static final int DEFAULT_ALIGNMENT = 32;
    /** Guards against corrupt lengths turning into huge allocations. */
    private static final long MAX_STRING_BYTES = 1L << 24;

    private static final long MAX_ARRAY_LENGTH = 1L << 28;

    private final Path path;
    private final FileChannel channel;
    private final int version;
    private final Map<String, GgufValue> metadata;
    private final Map<String, GgufTensorInfo> tensors;
    private final long dataStart;

    private GgufFile(
            Path path,
            FileChannel channel,
            int version,
            Map<String, GgufValue> metadata,
            Map<String, GgufTensorInfo> tensors,
            long dataStart) {
        this.path = path;
        this.channel = channel;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
        this.dataStart = dataStart;
    }

    public static GgufFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new GgufFormatException(path, "cannot open: " + e.getMessage());
        }
        try {
            long size = channel.size();
            // The header (metadata + directory) is read through a map of at most 2 GiB; real headers are MBs.
            ByteBuffer buf = channel.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE - 8))
                    .order(ByteOrder.LITTLE_ENDIAN);
            return parse(path, channel, buf, size);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new GgufFormatException(path, "cannot read: " + e.getMessage());
        } catch (BufferUnderflowException e) {
            closeQuietly(channel);
            throw new GgufFormatException(
                    path, "truncated header: the file ends inside the metadata or tensor directory");
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static GgufFile parse(Path path, FileChannel channel, ByteBuffer buf, long fileSize) {
        if (fileSize < 24) {
            throw new GgufFormatException(path, "too short to be GGUF (" + fileSize + " bytes)");
        }
        int magic = buf.getInt();
        if (magic != MAGIC) {
            throw new GgufFormatException(
                    path, String.format("not a GGUF file (magic 0x%08x, expected 0x%08x)", magic, MAGIC));
        }
        int version = buf.getInt();
        if (version != 2 && version != 3) {
            throw new GgufFormatException(path, "unsupported GGUF version " + version + " (supported: 2, 3)");
        }
        long tensorCount = buf.getLong();
        long kvCount = buf.getLong();
        if (tensorCount < 0 || tensorCount > 1_000_000 || kvCount < 0 || kvCount > 1_000_000) {
            throw new GgufFormatException(
                    path, "corrupt header: tensor count " + tensorCount + ", metadata count " + kvCount);
        }
        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = readString(path, buf);
            int typeId = buf.getInt();
            GgufValueType type = GgufValueType.byId(typeId);
            if (type == null) {
                throw new GgufFormatException(
                        path, "corrupt header: metadata key '" + key + "' has unknown value type " + typeId);
            }
            metadata.put(key, readValue(path, buf, key, type));
        }
        Map<String, GgufTensorInfo> tensors = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = readString(path, buf);
            int dims = buf.getInt();
            if (dims < 1 || dims > 4) {
                throw new GgufFormatException(path, "tensor '" + name + "': corrupt dimension count " + dims);
            }
            long[] shape = new long[dims];
            for (int d = 0; d < dims; d++) {
                shape[d] = buf.getLong();
                if (shape[d] <= 0) {
                    throw new GgufFormatException(path, "tensor '" + name + "': corrupt dimension " + shape[d]);
                }
            }
            int typeId = buf.getInt();
            long offset = buf.getLong();
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) {
                throw new GgufFormatException(
                        path,
                        "tensor '" + name + "' has type " + GgmlType.nameOfId(typeId)
                                + ", which this engine does not read (supported: F32, F16, BF16, Q8_0, Q4_0)");
            }
            GgufTensorInfo info = new GgufTensorInfo(name, shape, type, offset);
            long elements;
            try {
                elements = info.elementCount();
            } catch (ArithmeticException e) {
                throw new GgufFormatException(
                        path,
                        "tensor '" + name + "': corrupt dimensions " + java.util.Arrays.toString(shape)
                                + " (their product overflows)");
            }
            // No type packs more than 32 values in a byte: more values than that are more than the file holds.
            if (elements / 32 > fileSize) {
                throw new GgufFormatException(
                        path,
                        "tensor '" + name + "': dimensions " + java.util.Arrays.toString(shape) + " hold " + elements
                                + " values, more than a " + fileSize + "-byte file can store");
            }
            if (elements % type.blockSize() != 0) {
                throw new GgufFormatException(
                        path,
                        "tensor '" + name + "' of type " + type + " has " + info.elementCount()
                                + " values, not a multiple of its block size " + type.blockSize());
            }
            tensors.put(name, info);
        }
        int alignment = DEFAULT_ALIGNMENT;
        GgufValue align = metadata.get("general.alignment");
        if (align != null) {
            alignment = (int) align.asLong();
            if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
                throw new GgufFormatException(
                        path, "corrupt header: general.alignment " + alignment + " is not a power of two");
            }
        }
        long dataStart = (buf.position() + alignment - 1L) / alignment * alignment;
        for (GgufTensorInfo t : tensors.values()) {
            // Compared by subtraction: offset + size of a corrupt entry could overflow past the file's end.
            long room = fileSize - dataStart;
            if (t.offset() < 0 || t.offset() > room || t.byteSize() > room - t.offset()) {
                throw new GgufFormatException(
                        path,
                        "tensor '" + t.name() + "' of type " + t.type() + " (offset " + t.offset() + ", "
                                + t.byteSize() + " bytes) lies beyond the end of the file (" + room
                                + " bytes of tensor data): the file is truncated or its directory corrupt");
            }
            if (t.offset() % alignment != 0) {
                throw new GgufFormatException(
                        path,
                        "tensor '" + t.name() + "': offset " + t.offset() + " is not a multiple of general.alignment "
                                + alignment);
            }
        }
        return new GgufFile(
                path,
                channel,
                version,
                Collections.unmodifiableMap(metadata),
                Collections.unmodifiableMap(tensors),
                dataStart);
    }

    private static String readString(Path path, ByteBuffer buf) {
        long len = buf.getLong();
        if (len < 0 || len > MAX_STRING_BYTES || len > buf.remaining()) {
            throw new GgufFormatException(
                    path, "corrupt header: string length " + len + " at offset " + (buf.position() - 8));
        }
        byte[] bytes = new byte[(int) len];
        buf.get(bytes);
        // GGUF strings are UTF-8 by specification.
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static GgufValue readValue(Path path, ByteBuffer buf, String key, GgufValueType type) {
        if (type == GgufValueType.ARRAY) {
            int elemId = buf.getInt();
            GgufValueType elem = GgufValueType.byId(elemId);
            if (elem == null || elem == GgufValueType.ARRAY) {
                throw new GgufFormatException(
                        path, "corrupt header: metadata key '" + key + "' has array element type " + elemId);
            }
            long n = buf.getLong();
            if (n < 0 || n > MAX_ARRAY_LENGTH) {
                throw new GgufFormatException(path, "corrupt header: metadata key '" + key + "' has array length " + n);
            }
            // Every element takes at least this many bytes: a count the rest of the header cannot hold is refused
            // before anything is allocated for it.
            if (n > buf.remaining() / minBytes(elem)) {
                throw new GgufFormatException(
                        path,
                        "corrupt header: metadata key '" + key + "' claims " + n + " " + elem
                                + " elements, more than the " + buf.remaining() + " bytes left in the header can hold");
            }
            List<Object> values = new ArrayList<>((int) Math.min(n, 1 << 16));
            for (long i = 0; i < n; i++) {
                values.add(readScalar(path, buf, elem));
            }
            return new GgufValue(GgufValueType.ARRAY, elem, Collections.unmodifiableList(values));
        }
        return new GgufValue(type, null, readScalar(path, buf, type));
    }

    /** The fewest bytes one value of {@code type} takes in the file (a string: its 8-byte length). */
    private static int minBytes(GgufValueType type) {
        return switch (type) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16 -> 2;
            case UINT32, INT32, FLOAT32 -> 4;
            case UINT64, INT64, FLOAT64, STRING -> 8;
            case ARRAY -> 12;
        };
    }

    private static Object readScalar(Path path, ByteBuffer buf, GgufValueType type) {
        return switch (type) {
            case UINT8 -> (long) (buf.get() & 0xFF);
            case INT8 -> (long) buf.get();
            case UINT16 -> (long) (buf.getShort() & 0xFFFF);
            case INT16 -> (long) buf.getShort();
            case UINT32 -> buf.getInt() & 0xFFFFFFFFL;
            case INT32 -> (long) buf.getInt();
            case UINT64, INT64 -> buf.getLong();
            case FLOAT32 -> (double) buf.getFloat();
            case FLOAT64 -> buf.getDouble();
            case BOOL -> buf.get() != 0;
            case STRING -> readString(path, buf);
            case ARRAY -> throw new IllegalStateException("nested arrays are not part of GGUF");
        };
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    /** Where the tensor data begins: the header (metadata and tensor directory, padded) is everything before. */
    public long dataStart() {
        return dataStart;
    }

    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    public Map<String, GgufTensorInfo> tensors() {
        return tensors;
    }

    /** The named tensor's entry; a missing tensor is an error naming the file and the tensor. */
    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo t = tensors.get(name);
        if (t == null) {
            throw new GgufFormatException(path, "missing tensor '" + name + "'");
        }
        return t;
    }

    /** The tensor's bytes, memory-mapped, little-endian. */
    public ByteBuffer tensorData(GgufTensorInfo t) {
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + t.offset(), t.byteSize())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new GgufFormatException(path, "cannot map tensor '" + t.name() + "': " + e.getMessage());
        }
    }

    public String requireString(String key) {
        GgufValue v = require(key);
        if (!(v.value() instanceof String s)) {
            throw new GgufFormatException(path, "metadata '" + key + "' should be a string but is " + v.type());
        }
        return s;
    }

    public long requireLong(String key) {
        GgufValue v = require(key);
        if (!(v.value() instanceof Number n)) {
            throw new GgufFormatException(path, "metadata '" + key + "' should be a number but is " + v.type());
        }
        return n.longValue();
    }

    public long longOr(String key, long fallback) {
        return metadata.containsKey(key) ? requireLong(key) : fallback;
    }

    public double doubleOr(String key, double fallback) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v.value() instanceof Number n)) {
            throw new GgufFormatException(path, "metadata '" + key + "' should be a number but is " + v.type());
        }
        return n.doubleValue();
    }

    public boolean boolOr(String key, boolean fallback) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v.value() instanceof Boolean b)) {
            throw new GgufFormatException(path, "metadata '" + key + "' should be a bool but is " + v.type());
        }
        return b;
    }

    public GgufValue require(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            throw new GgufFormatException(path, "missing metadata '" + key + "'");
        }
        return v;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do: the file was only read
        }
    }
}
