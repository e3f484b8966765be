package io.quantwatch.job;

import io.quantwatch.connectors.kafka.DriftMetricsMapping;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.alert.Verdict;
import io.quantwatch.detectors.review.PiiRedactor;
import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.schemas.DivergentSample;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.JsonFailure;
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
            for (ShadowResult r : w.accumulator().worst()) {
                ctx.output(SAMPLES, sample(r, w.end()));
            }
        }
    }

    private DivergentSample sample(ShadowResult r, long windowEnd) {
        String ref = r.referenceText() == null ? "" : r.referenceText();
        String cand = r.candidateText() == null ? "" : r.candidateText();
        return DivergentSample.newBuilder()
                .setRequestId(r.requestId())
                .setModel(r.model())
                .setCandidate(r.candidate())
                .setTask(r.task())
                .setTenant(r.tenant())
                .setWindowEnd(Instant.ofEpochMilli(windowEnd))
                .setBadness(r.badness())
                .setFirstDivergentToken(r.metrics().divergence().firstDivergentToken())
                .setMeanKl(r.metrics().distribution().meanKl())
                .setCandidateJson(JsonFailure.valueOf(
                        r.metrics().candidateJson().failure().name()))
                .setRedacted(redact)
                .setReferenceText(redact ? redactor.redact(ref) : redactor.cut(ref))
                .setCandidateText(redact ? redactor.redact(cand) : redactor.cut(cand))
                .build();
    }
}
