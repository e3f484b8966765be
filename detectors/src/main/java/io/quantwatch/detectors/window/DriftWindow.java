package io.quantwatch.detectors.window;

import io.quantwatch.detectors.JsonFailure;
import io.quantwatch.detectors.RepetitionDrift;
import io.quantwatch.detectors.ShadowMetrics;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The mergeable accumulator behind every drift window: counts, exact sums and DDSketch percentiles
 * of the per-prompt {@link ShadowMetrics}. {@code merge} is associative and commutative, so windows
 * can be pre-aggregated anywhere (per task manager, per pane) and combined later. {@link #writeTo} and
 * {@link #readFrom} are its explicit state format (the job versions it in its window state serializer).
 */
public final class DriftWindow {

    private long prompts;
    // Coverage counts: offered to the shadow stage, shadowed, of which timed out or failed.
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
    // Among prompts whose outputs both parsed as JSON.
    private Rate toolChanged = Rate.EMPTY;
    private Rate argumentsChanged = Rate.EMPTY;
    private Rate valueChanged = Rate.EMPTY;
    private QuantileSketch promptKl = new QuantileSketch();
    private QuantileSketch fdtRatio = new QuantileSketch();
    private QuantileSketch sdtRatio = new QuantileSketch();
    private QuantileSketch lengthRatio = new QuantileSketch();
    private QuantileSketch repeatIncrease = new QuantileSketch();

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

    /**
     * Writes every count, sum, rate, failure tally and sketch in a fixed order (enum constants by name), the format
     * the window state serializer versions; {@link #readFrom} reads it back.
     */
    public void writeTo(DataOutput out) throws IOException {
        for (long n : new long[] {prompts, offered, shadowed, timeouts, errors, positions}) {
            out.writeLong(n);
        }
        for (double d : new double[] {klSum, referenceNll, candidateNll, deltaPSum}) {
            out.writeDouble(d);
        }
        for (Rate r : rates()) {
            out.writeLong(r.hits());
            out.writeLong(r.trials());
        }
        writeTally(out, jsonFailures);
        writeTally(out, firstDivergence);
        for (QuantileSketch q : sketches()) {
            byte[] b = q.toBytes();
            out.writeInt(b.length);
            out.write(b);
        }
    }

    /** Reads what {@link #writeTo} wrote. */
    public static DriftWindow readFrom(DataInput in) throws IOException {
        DriftWindow w = new DriftWindow();
        w.prompts = in.readLong();
        w.offered = in.readLong();
        w.shadowed = in.readLong();
        w.timeouts = in.readLong();
        w.errors = in.readLong();
        w.positions = in.readLong();
        w.klSum = in.readDouble();
        w.referenceNll = in.readDouble();
        w.candidateNll = in.readDouble();
        w.deltaPSum = in.readDouble();
        Rate[] r = new Rate[RATES];
        for (int i = 0; i < r.length; i++) {
            r[i] = new Rate(in.readLong(), in.readLong());
        }
        w.identical = r[0];
        w.sameTop1 = r[1];
        w.jsonValid = r[2];
        w.jsonBroken = r[3];
        w.eosEarly = r[4];
        w.eosLate = r[5];
        w.preamble = r[6];
        w.sentenceBroken = r[7];
        w.rareMissing = r[8];
        w.toolChanged = r[9];
        w.argumentsChanged = r[10];
        w.valueChanged = r[11];
        readTally(in, w.jsonFailures, JsonFailure.class);
        readTally(in, w.firstDivergence, RepetitionDrift.DivergenceBucket.class);
        QuantileSketch[] q = new QuantileSketch[SKETCHES];
        for (int i = 0; i < q.length; i++) {
            int length = in.readInt();
            if (length < 0 || length > 1 << 24) {
                throw new IOException("corrupt window state: a quantile sketch of " + length + " bytes");
            }
            byte[] b = new byte[length];
            in.readFully(b);
            q[i] = QuantileSketch.fromBytes(b);
        }
        w.promptKl = q[0];
        w.fdtRatio = q[1];
        w.sdtRatio = q[2];
        w.lengthRatio = q[3];
        w.repeatIncrease = q[4];
        return w;
    }

    private static final int RATES = 12;
    private static final int SKETCHES = 5;

    private Rate[] rates() {
        return new Rate[] {
            identical,
            sameTop1,
            jsonValid,
            jsonBroken,
            eosEarly,
            eosLate,
            preamble,
            sentenceBroken,
            rareMissing,
            toolChanged,
            argumentsChanged,
            valueChanged
        };
    }

    private QuantileSketch[] sketches() {
        return new QuantileSketch[] {promptKl, fdtRatio, sdtRatio, lengthRatio, repeatIncrease};
    }

    private static <E extends Enum<E>> void writeTally(DataOutput out, EnumMap<E, Long> tally) throws IOException {
        out.writeInt(tally.size());
        for (Map.Entry<E, Long> e : tally.entrySet()) {
            out.writeUTF(e.getKey().name());
            out.writeLong(e.getValue());
        }
    }

    private static <E extends Enum<E>> void readTally(DataInput in, EnumMap<E, Long> tally, Class<E> type)
            throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            try {
                tally.put(Enum.valueOf(type, name), in.readLong());
            } catch (IllegalArgumentException e) {
                throw new IOException("window state names " + type.getSimpleName() + " '" + name
                        + "', which this build does not know: restore it with the build that wrote it or a newer one");
            }
        }
    }
}
