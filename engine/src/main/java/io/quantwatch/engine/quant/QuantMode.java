package io.quantwatch.engine.quant;

/** NNCF's CompressWeightsMode values this engine implements. */
public enum QuantMode {
    INT8_SYM(8, true, false),
    INT8_ASYM(8, false, false),
    INT4_SYM(4, true, true),
    INT4_ASYM(4, false, true),
    NF4(4, true, true),
    FP8_E4M3(8, true, true);

    private final int bits;
    private final boolean symmetric;
    private final boolean primaryWithBackup;

    QuantMode(int bits, boolean symmetric, boolean primaryWithBackup) {
        this.bits = bits;
        this.symmetric = symmetric;
        this.primaryWithBackup = primaryWithBackup;
    }

    public int bits() {
        return bits;
    }

    public boolean symmetric() {
        return symmetric;
    }

    /**
     * True for modes NNCF treats as a "primary" precision: embeddings and the output layer stay in the
     * backup precision and {@code ratio} applies. The 8-bit integer modes compress every layer.
     */
    public boolean primaryWithBackup() {
        return primaryWithBackup;
    }
}
