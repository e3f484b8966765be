package io.quantwatch.job;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.window.DriftWindow;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One window's state for one key: the mergeable drift accumulator and the few worst divergent
 * records seen so far (bounded, so a window's state stays small whatever the traffic).
 * Flink hands generic types to Kryo, whose field walking would drop the sketches (transient) and
 * cannot rebuild EnumMaps; as {@link KryoSerializable} the accumulator writes itself with Java
 * serialization instead, where DriftWindow stores its sketches compactly. No registration needed.
 */
public final class WindowAccumulator implements Serializable, KryoSerializable {
    private static final long serialVersionUID = 1L;

    private DriftWindow drift = new DriftWindow();
    private ArrayList<ShadowResult> worst = new ArrayList<>();
    private int keepWorst;

    public WindowAccumulator(int keepWorst) {
        this.keepWorst = keepWorst;
    }

    public WindowAccumulator add(ShadowResult r) {
        switch (r.outcome()) {
            case COMPARED -> {
                drift.add(r.metrics());
                if (keepWorst > 0) {
                    offer(r, r.badness());
                }
            }
            case SHED -> drift.addShed();
            case TIMEOUT -> drift.addNotCompared(true, false);
            case ERROR -> drift.addNotCompared(false, true);
            case SKIPPED -> drift.addNotCompared(false, false);
        }
        return this;
    }

    public WindowAccumulator merge(WindowAccumulator other) {
        drift.merge(other.drift);
        other.worst.forEach(r -> offer(r, r.badness()));
        return this;
    }

    public DriftWindow drift() {
        return drift;
    }

    /** The worst records, worst first. */
    public List<ShadowResult> worst() {
        return List.copyOf(worst);
    }

    private void offer(ShadowResult r, double badness) {
        // Most records are identical (badness 0) or no worse than the kept ones: skip them without sorting.
        if (badness <= 0
                || (worst.size() == keepWorst
                        && badness <= worst.get(worst.size() - 1).badness())) {
            return;
        }
        worst.add(r);
        worst.sort(Comparator.comparingDouble(ShadowResult::badness).reversed());
        if (worst.size() > keepWorst) {
            worst.remove(worst.size() - 1);
        }
    }

    @Override
    public void write(Kryo kryo, Output output) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize a window accumulator", e);
        }
        output.writeInt(bytes.size());
        output.writeBytes(bytes.toByteArray());
    }

    @Override
    public void read(Kryo kryo, Input input) {
        byte[] bytes = input.readBytes(input.readInt());
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                return Class.forName(desc.getName(), false, kryo.getClassLoader()); // Flink's user-code class loader
            }
        }) {
            WindowAccumulator copy = (WindowAccumulator) in.readObject();
            drift = copy.drift;
            worst = copy.worst;
            keepWorst = copy.keepWorst;
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot restore a window accumulator", e);
        }
    }
}
