package io.quantwatch.engine.gguf;

import java.util.List;

/**
 * One typed metadata value. Scalars hold a boxed Long, Double, Boolean or String; arrays hold a
 * List of such boxes and name their element type.
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {

    public static GgufValue string(String s) {
        return new GgufValue(GgufValueType.STRING, null, s);
    }

    public static GgufValue uint32(long v) {
        return new GgufValue(GgufValueType.UINT32, null, v);
    }

    public static GgufValue int32(long v) {
        return new GgufValue(GgufValueType.INT32, null, v);
    }

    public static GgufValue float32(double v) {
        return new GgufValue(GgufValueType.FLOAT32, null, v);
    }

    public static GgufValue bool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, null, v);
    }

    public static GgufValue array(GgufValueType elementType, List<?> values) {
        return new GgufValue(GgufValueType.ARRAY, elementType, List.copyOf(values));
    }

    public long asLong() {
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalStateException("metadata value of type " + type + " is not a number");
    }

    public double asDouble() {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalStateException("metadata value of type " + type + " is not a number");
    }

    public List<?> asList() {
        if (value instanceof List<?> l) {
            return l;
        }
        throw new IllegalStateException("metadata value of type " + type + " is not an array");
    }
}
