package io.quantwatch.job;

import io.quantwatch.connectors.kafka.ShadowRecordMapping;
import io.quantwatch.detectors.review.DivergenceRank;
import io.quantwatch.detectors.window.DriftWindow;
import io.quantwatch.schemas.JsonFailure;
import io.quantwatch.schemas.ShadowRecord;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One window's state for one key: the mergeable drift accumulator and the few worst divergent
 * records seen so far (bounded, so a window's state stays small whatever the traffic).
 * Java-serialized in checkpoints (DriftWindow writes its sketches compactly).
 */
public final class WindowAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DriftWindow drift = new DriftWindow();
    private final ArrayList<ShadowRecord> worst = new ArrayList<>();
    private final int keepWorst;

    public WindowAccumulator(int keepWorst) {
        this.keepWorst = keepWorst;
    }

    public WindowAccumulator add(ShadowRecord r) {
        drift.add(ShadowRecordMapping.toMetrics(r));
        if (keepWorst > 0 && badness(r) > 0) {
            offer(r);
        }
        return this;
    }

    public WindowAccumulator merge(WindowAccumulator other) {
        drift.merge(other.drift);
        other.worst.forEach(this::offer);
        return this;
    }

    public DriftWindow drift() {
        return drift;
    }

    /** The worst records, worst first. */
    public List<ShadowRecord> worst() {
        return List.copyOf(worst);
    }

    private void offer(ShadowRecord r) {
        worst.add(r);
        worst.sort(Comparator.comparingDouble(WindowAccumulator::badness).reversed());
        if (worst.size() > keepWorst) {
            worst.remove(worst.size() - 1);
        }
    }

    /** {@link DivergenceRank} of a record: broken JSON first, then early divergence and KL. */
    public static double badness(ShadowRecord r) {
        boolean broken = r.getJsonExpected() && r.getReferenceJson() == JsonFailure.NONE && r.getCandidateJson() != JsonFailure.NONE;
        boolean identical = r.getFirstDivergentToken() == r.getReferenceTokens() && r.getReferenceTokens() == r.getCandidateTokens();
        double fdtRatio = r.getReferenceTokens() == 0 ? 1.0 : (double) r.getFirstDivergentToken() / r.getReferenceTokens();
        double meanKl = r.getPositions() == 0 ? 0.0 : r.getKlSum() / r.getPositions();
        return DivergenceRank.badness(broken, identical, fdtRatio, meanKl);
    }
}
