package io.quantwatch.job;

import io.quantwatch.connectors.kafka.DriftMetricsMapping;
import io.quantwatch.detectors.alert.Verdict;
import io.quantwatch.detectors.review.PiiRedactor;
import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.schemas.DivergentSample;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.ShadowRecord;
import java.time.Instant;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns a closed window into its {@link DriftMetrics} (with the recipe verdict) and, for per-key
 * windows, its worst divergent examples, redacted unless configured otherwise, on a side output.
 */
public final class EmitWindow extends ProcessFunction<KeyedWindow, DriftMetrics> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DivergentSample> SAMPLES = new OutputTag<>("divergent-samples") {};

    private final boolean redact;
    private final PiiRedactor redactor;

    public EmitWindow(boolean redact, int maxChars) {
        this.redact = redact;
        this.redactor = new PiiRedactor(maxChars);
    }

    @Override
    public void processElement(KeyedWindow w, Context ctx, Collector<DriftMetrics> out) {
        DriftSummary summary = w.accumulator().drift().summary();
        out.collect(DriftMetricsMapping.toAvro(
                w.key(), w.start(), w.end(), summary, Verdict.of(summary, Verdict.Policy.defaults())));
        if (!w.key().task().equals(RollupWindow.ALL)) { // roll-up windows would repeat the per-key samples
            for (ShadowRecord r : w.accumulator().worst()) {
                ctx.output(SAMPLES, sample(r, w.end()));
            }
        }
    }

    private DivergentSample sample(ShadowRecord r, long windowEnd) {
        String ref = r.getReferenceText() == null ? "" : r.getReferenceText();
        String cand = r.getCandidateText() == null ? "" : r.getCandidateText();
        return DivergentSample.newBuilder()
                .setRequestId(r.getRequestId())
                .setModel(r.getModel())
                .setCandidate(r.getCandidate())
                .setTask(r.getTask())
                .setTenant(r.getTenant())
                .setWindowEnd(Instant.ofEpochMilli(windowEnd))
                .setBadness(WindowAccumulator.badness(r))
                .setFirstDivergentToken(r.getFirstDivergentToken())
                .setMeanKl(r.getPositions() == 0 ? 0 : r.getKlSum() / r.getPositions())
                .setCandidateJson(r.getCandidateJson())
                .setRedacted(redact)
                .setReferenceText(redact ? redactor.redact(ref) : redactor.cut(ref))
                .setCandidateText(redact ? redactor.redact(cand) : redactor.cut(cand))
                .build();
    }
}
