package io.quantwatch.job;

import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.window.DriftWindow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One window's state for one key: the mergeable drift accumulator and the few worst divergent
 * results seen so far (bounded, so a window's state stays small whatever the traffic). Flink stores it with
 * {@link WindowAccumulatorSerializer}, an explicit and versioned format, never Kryo.
 */
@TypeInfo(WindowAccumulatorTypeInfo.Factory.class)
public final class WindowAccumulator {
    private final DriftWindow drift;
    private final ArrayList<ShadowResult> worst;
    private final int keepWorst;

    public WindowAccumulator(int keepWorst) {
        this(keepWorst, new DriftWindow(), List.of());
    }

    /** A restored accumulator (state serializer). */
    WindowAccumulator(int keepWorst, DriftWindow drift, List<ShadowResult> worst) {
        this.keepWorst = keepWorst;
        this.drift = drift;
        this.worst = new ArrayList<>(worst);
    }

    int keepWorst() {
        return keepWorst;
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
}
