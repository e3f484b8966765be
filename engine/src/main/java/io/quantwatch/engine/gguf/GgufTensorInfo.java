package io.quantwatch.engine.gguf;

import java.util.Arrays;

/** A tensor's directory entry: name, shape (ne0 first, the contiguous dimension) and where its data lies. */
public record GgufTensorInfo(String name, long[] shape, GgmlType type, long offset) {

    /** The product of the dimensions; {@link ArithmeticException} when it overflows (a corrupt directory). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long byteSize() {
        return type.bytesFor(elementCount());
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " " + type;
    }
}
