package io.quantwatch.detectors.window;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.CubicallyInterpolatedMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Percentiles of a metric with 1 % relative accuracy (DDSketch), exactly mergeable and encodable to
 * bytes for state and the wire.
 */
public final class QuantileSketch {
    private static final double RELATIVE_ACCURACY = 0.01;
    private static final int MAX_BINS = 2048;

    private final DDSketch sketch;
    // Exact extremes: DDSketch's own min/max are bin estimates, and bounded metrics (ratios ≤ 1) must not print 1.01.
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    public QuantileSketch() {
        this(DDSketch.of(
                new CubicallyInterpolatedMapping(RELATIVE_ACCURACY),
                new CollapsingLowestDenseStore(MAX_BINS),
                new CollapsingLowestDenseStore(MAX_BINS),
                0.0));
    }

    private QuantileSketch(DDSketch sketch) {
        this.sketch = sketch;
    }

    public void add(double value) {
        if (Double.isFinite(value)) {
            sketch.accept(value);
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
    }

    public void merge(QuantileSketch other) {
        sketch.mergeWith(other.sketch);
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    public QuantileSketch copy() {
        QuantileSketch c = new QuantileSketch(sketch.copy());
        c.min = min;
        c.max = max;
        return c;
    }

    public long count() {
        return Math.round(sketch.getCount());
    }

    /** The value at quantile q in [0, 1]; NaN when empty. Clamped to the observed range, which the sketch tracks exactly. */
    public double quantile(double q) {
        if (sketch.isEmpty()) {
            return Double.NaN;
        }
        return Math.max(min, Math.min(max, sketch.getValueAtQuantile(q)));
    }

    /** The exact min and max (16 bytes, little-endian), then DDSketch's own compact encoding (index mapping included). */
    public byte[] toBytes() {
        try {
            GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
            out.writeLongLE(Double.doubleToRawLongBits(min));
            out.writeLongLE(Double.doubleToRawLongBits(max));
            sketch.encode(out, false);
            return out.trimmedCopy();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a quantile sketch", e);
        }
    }

    public static QuantileSketch fromBytes(byte[] bytes) {
        try {
            // The encoding carries its index mapping; decoding into a fresh sketch keeps it mergeable with new ones.
            QuantileSketch fresh = new QuantileSketch();
            ByteBuffer head = ByteBuffer.wrap(bytes, 0, 16).order(ByteOrder.LITTLE_ENDIAN);
            fresh.min = head.getDouble();
            fresh.max = head.getDouble();
            fresh.sketch.decodeAndMergeWith(ByteArrayInput.wrap(Arrays.copyOfRange(bytes, 16, bytes.length)));
            return fresh;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt quantile sketch bytes", e);
        }
    }
}
