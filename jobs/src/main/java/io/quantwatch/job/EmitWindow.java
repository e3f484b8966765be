package io.quantwatch.job;

import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.alert.Verdict;
import io.quantwatch.detectors.review.PiiRedactor;
import io.quantwatch.detectors.review.ReviewSample;
import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.WindowReport;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns a closed window into its {@link WindowReport} (with the recipe verdict) and, for per-key
 * windows, its worst divergent examples, redacted unless configured otherwise, on a side output.
 */
public final class EmitWindow extends ProcessFunction<KeyedWindow, WindowReport> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<ReviewSample> SAMPLES = new OutputTag<>("divergent-samples") {};

    private final boolean redact;
    private final PiiRedactor redactor;

    public EmitWindow(boolean redact, int maxChars) {
        this.redact = redact;
        this.redactor = new PiiRedactor(maxChars);
    }

    @Override
    public void processElement(KeyedWindow w, Context ctx, Collector<WindowReport> out) {
        DriftSummary summary = w.accumulator().drift().summary();
        out.collect(
                new WindowReport(w.key(), w.start(), w.end(), summary, Verdict.of(summary, Verdict.Policy.defaults())));
        if (!w.key().isRollup()) { // roll-up windows would repeat the per-key samples
            for (ShadowResult r : w.accumulator().worst()) {
                ctx.output(SAMPLES, sample(w, r));
            }
        }
    }

    private ReviewSample sample(KeyedWindow w, ShadowResult r) {
        String ref = r.referenceText() == null ? "" : r.referenceText();
        String cand = r.candidateText() == null ? "" : r.candidateText();
        return new ReviewSample(
                w.key(),
                w.end(),
                r.requestId(),
                r.badness(),
                r.metrics().divergence().firstDivergentToken(),
                r.metrics().distribution().meanKl(),
                r.metrics().candidateJson().failure(),
                redact,
                redact ? redactor.redact(ref) : redactor.cut(ref),
                redact ? redactor.redact(cand) : redactor.cut(cand));
    }
}
