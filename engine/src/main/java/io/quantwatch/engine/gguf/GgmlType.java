package io.quantwatch.engine.gguf;

/** The ggml tensor element types this engine reads or writes, with their GGUF ids and block layout. */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q8_0(8, 32, 34),
    /** Super-blocks of 256: F16 scale and min, 8 × 6-bit sub-block scales and mins, 4-bit values. */
    Q4_K(12, 256, 144),
    /** As Q4_K with a fifth bit per value. */
    Q5_K(13, 256, 176),
    /** Super-blocks of 256: 16 × 8-bit sub-block scales, 6-bit values, one F16 scale. */
    Q6_K(14, 256, 210),
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int bytesPerBlock;

    GgmlType(int id, int blockSize, int bytesPerBlock) {
        this.id = id;
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
    }

    public int id() {
        return id;
    }

    public int blockSize() {
        return blockSize;
    }

    public int bytesPerBlock() {
        return bytesPerBlock;
    }

    /** Bytes needed for {@code elements} values; elements must be a whole number of blocks. */
    public long bytesFor(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(
                    this + " stores blocks of " + blockSize + " values; " + elements + " is not a multiple");
        }
        return elements / blockSize * bytesPerBlock;
    }

    /** The type with this GGUF id, or null when the engine does not support it. */
    public static GgmlType byId(int id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /** ggml's own name for an id this engine does not support, so errors can name it. */
    public static String nameOfId(int id) {
        String[] names = {
            "F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K", "Q4_K",
            "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS", "I8",
            "I16", "I32", "I64", "F64", "IQ1_M", "BF16"
        };
        return id >= 0 && id < names.length ? names[id] : "type#" + id;
    }
}
