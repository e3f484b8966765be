package io.quantwatch.detectors.window;

import io.quantwatch.detectors.JsonFailure;
import io.quantwatch.detectors.RepetitionDrift;
import io.quantwatch.detectors.ShadowMetrics;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.Map;

/**
 * The mergeable accumulator behind every drift window: counts, exact sums and DDSketch percentiles
 * of the per-prompt {@link ShadowMetrics}. {@code merge} is associative and commutative, so windows
 * can be pre-aggregated anywhere (per task manager, per pane) and combined later.
 */
public final class DriftWindow implements Serializable {
    private static final long serialVersionUID = 1L;

    private long prompts;
    // Coverage counts; absent (0) in state written before they existed, which Java serialization allows.
    private long offered;
    private long shadowed;
    private long timeouts;
    private long errors;
    private Rate identical = Rate.EMPTY;
    private Rate sameTop1 = Rate.EMPTY;
    private long positions;
    private double klSum;
    private double referenceNll;
    private double candidateNll;
    private double deltaPSum;
    private Rate jsonValid = Rate.EMPTY;
    private Rate jsonBroken = Rate.EMPTY;
    private final EnumMap<JsonFailure, Long> jsonFailures = new EnumMap<>(JsonFailure.class);
    private Rate eosEarly = Rate.EMPTY;
    private Rate eosLate = Rate.EMPTY;
    private final EnumMap<RepetitionDrift.DivergenceBucket, Long> firstDivergence =
            new EnumMap<>(RepetitionDrift.DivergenceBucket.class);
    private Rate preamble = Rate.EMPTY;
    private Rate sentenceBroken = Rate.EMPTY;
    private Rate rareMissing = Rate.EMPTY;
    // Among prompts whose outputs both parsed as JSON; null in state written before they existed (see readObject).
    private Rate toolChanged = Rate.EMPTY;
    private Rate argumentsChanged = Rate.EMPTY;
    private Rate valueChanged = Rate.EMPTY;
    private transient QuantileSketch promptKl = new QuantileSketch();
    private transient QuantileSketch fdtRatio = new QuantileSketch();
    private transient QuantileSketch sdtRatio = new QuantileSketch();
    private transient QuantileSketch lengthRatio = new QuantileSketch();
    private transient QuantileSketch repeatIncrease = new QuantileSketch();

    /** A comparison of one prompt: counted as offered, shadowed and compared. */
    public DriftWindow add(ShadowMetrics m) {
        prompts++;
        offered++;
        shadowed++;
        identical = identical.add(m.divergence().identical());
        var d = m.distribution();
        sameTop1 = sameTop1.merge(new Rate(d.sameTop1(), d.positions()));
        positions += d.positions();
        klSum += d.klSum();
        referenceNll += d.referenceNll();
        candidateNll += d.candidateNll();
        deltaPSum += d.deltaPSum();
        promptKl.add(d.meanKl());
        fdtRatio.add(m.divergence().firstDivergenceRatio());
        sdtRatio.add(m.divergence().divergentTokenRatio());
        if (m.jsonExpected()) {
            jsonValid = jsonValid.add(m.candidateJson().valid());
            jsonFailures.merge(m.candidateJson().failure(), 1L, Long::sum);
            if (m.referenceJson().valid()) {
                jsonBroken = jsonBroken.add(m.jsonBroken());
            }
        }
        lengthRatio.add(m.length().ratio());
        eosEarly = eosEarly.add(m.length().eosEarly());
        eosLate = eosLate.add(m.length().eosLate());
        repeatIncrease.add(m.repetition().repeatRateIncrease());
        firstDivergence.merge(m.repetition().divergence(), 1L, Long::sum);
        preamble = preamble.add(m.slips().addedPreamble());
        if (m.slips().sentenceConstraint()) {
            sentenceBroken = sentenceBroken.add(m.slips().sentenceCountBroken());
        }
        rareMissing = rareMissing.merge(
                new Rate(m.rareTokens().missingFromTop10(), m.rareTokens().positions()));
        if (m.tree().compared()) {
            toolChanged = toolChanged.add(m.tree().toolChanged());
            argumentsChanged = argumentsChanged.add(m.tree().argumentsChanged());
            valueChanged = valueChanged.add(m.tree().valueChanged());
        }
        return this;
    }

    /** A prompt offered to the shadow stage and shed for capacity: it counts only as offered. */
    public DriftWindow addShed() {
        offered++;
        return this;
    }

    /** A prompt shadowed without a comparison for this candidate: timed out, failed, or skipped (neither). */
    public DriftWindow addNotCompared(boolean timedOut, boolean failed) {
        offered++;
        shadowed++;
        timeouts += timedOut ? 1 : 0;
        errors += failed ? 1 : 0;
        return this;
    }

    public DriftWindow merge(DriftWindow o) {
        prompts += o.prompts;
        offered += o.offered;
        shadowed += o.shadowed;
        timeouts += o.timeouts;
        errors += o.errors;
        identical = identical.merge(o.identical);
        sameTop1 = sameTop1.merge(o.sameTop1);
        positions += o.positions;
        klSum += o.klSum;
        referenceNll += o.referenceNll;
        candidateNll += o.candidateNll;
        deltaPSum += o.deltaPSum;
        jsonValid = jsonValid.merge(o.jsonValid);
        jsonBroken = jsonBroken.merge(o.jsonBroken);
        o.jsonFailures.forEach((k, v) -> jsonFailures.merge(k, v, Long::sum));
        eosEarly = eosEarly.merge(o.eosEarly);
        eosLate = eosLate.merge(o.eosLate);
        o.firstDivergence.forEach((k, v) -> firstDivergence.merge(k, v, Long::sum));
        preamble = preamble.merge(o.preamble);
        sentenceBroken = sentenceBroken.merge(o.sentenceBroken);
        rareMissing = rareMissing.merge(o.rareMissing);
        toolChanged = toolChanged.merge(o.toolChanged);
        argumentsChanged = argumentsChanged.merge(o.argumentsChanged);
        valueChanged = valueChanged.merge(o.valueChanged);
        promptKl.merge(o.promptKl);
        fdtRatio.merge(o.fdtRatio);
        sdtRatio.merge(o.sdtRatio);
        lengthRatio.merge(o.lengthRatio);
        repeatIncrease.merge(o.repeatIncrease);
        return this;
    }

    public long prompts() {
        return prompts;
    }

    public DriftSummary summary() {
        double n = positions;
        return new DriftSummary(
                prompts,
                identical,
                sameTop1,
                n == 0 ? 0 : klSum / n,
                promptKl.quantile(0.5),
                promptKl.quantile(0.95),
                promptKl.quantile(0.99),
                n == 0 ? 1.0 : Math.exp((candidateNll - referenceNll) / n),
                n == 0 ? 0 : deltaPSum / n,
                fdtRatio.quantile(0.5),
                sdtRatio.quantile(0.5),
                jsonValid,
                jsonBroken,
                Map.copyOf(jsonFailures),
                lengthRatio.quantile(0.5),
                eosEarly,
                eosLate,
                repeatIncrease.quantile(0.95),
                Map.copyOf(firstDivergence),
                preamble,
                sentenceBroken,
                rareMissing,
                toolChanged,
                argumentsChanged,
                valueChanged,
                new ShadowCoverage(offered, shadowed, timeouts, errors));
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        for (QuantileSketch s : new QuantileSketch[] {promptKl, fdtRatio, sdtRatio, lengthRatio, repeatIncrease}) {
            byte[] b = s.toBytes();
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        toolChanged = toolChanged == null ? Rate.EMPTY : toolChanged;
        argumentsChanged = argumentsChanged == null ? Rate.EMPTY : argumentsChanged;
        valueChanged = valueChanged == null ? Rate.EMPTY : valueChanged;
        QuantileSketch[] s = new QuantileSketch[5];
        for (int i = 0; i < s.length; i++) {
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            s[i] = QuantileSketch.fromBytes(b);
        }
        promptKl = s[0];
        fdtRatio = s[1];
        sdtRatio = s[2];
        lengthRatio = s[3];
        repeatIncrease = s[4];
    }
}
