package io.quantwatch.engine.gguf;

/** GGUF metadata value types, numbered as in the GGUF specification. */
public enum GgufValueType {
    UINT8,
    INT8,
    UINT16,
    INT16,
    UINT32,
    INT32,
    FLOAT32,
    BOOL,
    STRING,
    ARRAY,
    UINT64,
    INT64,
    FLOAT64;

    static GgufValueType byId(int id) {
        if (id < 0 || id >= values().length) {
            return null;
        }
        return values()[id];
    }
}
