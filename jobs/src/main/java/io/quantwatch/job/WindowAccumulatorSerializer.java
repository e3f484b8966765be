package io.quantwatch.job;

import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.window.DriftWindow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.CompositeTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The window state's format, explicit and versioned: the number of examples kept, the drift accumulator in its own
 * field order ({@link DriftWindow#writeTo}), then the worst results through Flink's serializer for
 * {@link ShadowResult} (nested, so its own schema evolution applies). The snapshot records the format version and the
 * nested serializer, so a savepoint written by one build restores in the next or says why not.
 */
public final class WindowAccumulatorSerializer extends TypeSerializer<WindowAccumulator> {
    private static final long serialVersionUID = 1L;

    private final TypeSerializer<ShadowResult> results;

    public WindowAccumulatorSerializer(TypeSerializer<ShadowResult> results) {
        this.results = results;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<WindowAccumulator> duplicate() {
        TypeSerializer<ShadowResult> copy = results.duplicate();
        return copy == results ? this : new WindowAccumulatorSerializer(copy);
    }

    @Override
    public WindowAccumulator createInstance() {
        return new WindowAccumulator(0);
    }

    @Override
    public WindowAccumulator copy(WindowAccumulator from) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(1024);
            serialize(from, out);
            return deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy a window accumulator", e);
        }
    }

    @Override
    public WindowAccumulator copy(WindowAccumulator from, WindowAccumulator reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(WindowAccumulator a, DataOutputView out) throws IOException {
        out.writeInt(a.keepWorst());
        a.drift().writeTo(out);
        List<ShadowResult> worst = a.worst();
        out.writeInt(worst.size());
        for (ShadowResult r : worst) {
            results.serialize(r, out);
        }
    }

    @Override
    public WindowAccumulator deserialize(DataInputView in) throws IOException {
        int keepWorst = in.readInt();
        DriftWindow drift = DriftWindow.readFrom(in);
        int n = in.readInt();
        if (n < 0 || n > Math.max(keepWorst, 0)) {
            throw new IOException("corrupt window state: " + n + " examples kept where at most " + keepWorst + " are");
        }
        List<ShadowResult> worst = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            worst.add(results.deserialize(in));
        }
        return new WindowAccumulator(keepWorst, drift, worst);
    }

    @Override
    public WindowAccumulator deserialize(WindowAccumulator reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowAccumulatorSerializer s && s.results.equals(results);
    }

    @Override
    public int hashCode() {
        return Objects.hash(WindowAccumulatorSerializer.class, results);
    }

    @Override
    public TypeSerializerSnapshot<WindowAccumulator> snapshotConfiguration() {
        return new Snapshot(this);
    }

    /** Version 1 of the format; a change to {@link DriftWindow#writeTo} or the layout above is a new version. */
    public static final class Snapshot
            extends CompositeTypeSerializerSnapshot<WindowAccumulator, WindowAccumulatorSerializer> {
        private static final int FORMAT_VERSION = 1;

        /** For Flink, reading a snapshot. */
        public Snapshot() {}

        Snapshot(WindowAccumulatorSerializer serializer) {
            super(serializer);
        }

        @Override
        protected int getCurrentOuterSnapshotVersion() {
            return FORMAT_VERSION;
        }

        @Override
        protected TypeSerializer<?>[] getNestedSerializers(WindowAccumulatorSerializer outer) {
            return new TypeSerializer<?>[] {outer.results};
        }

        @Override
        @SuppressWarnings("unchecked")
        protected WindowAccumulatorSerializer createOuterSerializerWithNestedSerializers(TypeSerializer<?>[] nested) {
            return new WindowAccumulatorSerializer((TypeSerializer<ShadowResult>) nested[0]);
        }
    }
}
