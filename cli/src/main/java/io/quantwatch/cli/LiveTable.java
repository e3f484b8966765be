package io.quantwatch.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.quantwatch.connectors.kafka.DriftMetricsMapping;
import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.Rate;
import io.quantwatch.embedded.CounterTotals;
import io.quantwatch.embedded.TopicReader;
import io.quantwatch.job.RollupWindow;
import io.quantwatch.schemas.AlertState;
import io.quantwatch.schemas.DivergentSample;
import io.quantwatch.schemas.DriftAlert;
import io.quantwatch.schemas.DriftMetrics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's terminal view: progress counters from this JVM's meters (offered, shadowed and shed prompts,
 * and how long after its end the newest window came out), the latest closed roll-up
 * window of every candidate (read back from the drift-metrics topic), alert transitions (from
 * drift-alerts) and the worst recent divergent example (from drift-samples, redacted). Printed every refresh; one block per refresh so it also reads well in a log.
 */
public final class LiveTable implements AutoCloseable {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final TopicReader<DriftMetrics> metrics;
    private final TopicReader<DriftAlert> alerts;
    private final TopicReader<DivergentSample> samples;
    private DivergentSample latestSample;
    private final PrintStream out;
    private final List<String> candidates;
    private final Map<String, DriftMetrics> latest = new TreeMap<>();
    private final List<DriftAlert> alertLog = new ArrayList<>();
    private final Instant started = Instant.now();
    private final CounterTotals counters;
    /** Emission wall clock minus window end of the newest roll-up window seen. */
    private double freshnessSeconds = Double.NaN;

    public LiveTable(
            String bootstrapServers,
            String metricsTopic,
            String alertsTopic,
            String samplesTopic,
            MeterRegistry registry,
            List<String> candidates,
            PrintStream out) {
        this.metrics = new TopicReader<>(bootstrapServers, metricsTopic, DriftMetrics.class);
        this.alerts = new TopicReader<>(bootstrapServers, alertsTopic, DriftAlert.class);
        this.samples = new TopicReader<>(bootstrapServers, samplesTopic, DivergentSample.class);
        this.counters = new CounterTotals(registry);
        this.candidates = candidates;
        this.out = out;
    }

    /** Reads what arrived and prints one block. */
    public void refresh() {
        for (TopicReader.Timed<DriftMetrics> t : metrics.pollTimed(Duration.ofMillis(200))) {
            DriftMetrics m = t.value();
            if (m.getTask().equals(RollupWindow.ALL)) {
                latest.merge(m.getCandidate(), m, (a, b) -> b.getWindowEnd().isAfter(a.getWindowEnd()) ? b : a);
                freshnessSeconds = (t.emittedMillis() - m.getWindowEnd().toEpochMilli()) / 1000.0;
            }
        }
        alertLog.addAll(alerts.poll(Duration.ofMillis(100)));
        for (DivergentSample d : samples.poll(Duration.ofMillis(100))) {
            // The worst example of the newest window seen.
            if (latestSample == null
                    || d.getWindowEnd().isAfter(latestSample.getWindowEnd())
                    || (d.getWindowEnd().equals(latestSample.getWindowEnd())
                            && d.getBadness() > latestSample.getBadness())) {
                latestSample = d;
            }
        }
        long up = Duration.between(started, Instant.now()).toSeconds();
        out.printf(
                "%n── quantwatch demo · %ds · prompts %d · dead letters %d · not sampled %d · rate-limited %d · offered %d · shadowed %d"
                        + " · shed %d · timeouts %d · errors %d · window freshness %s%n",
                up,
                counters.total("quantwatch.prompts", "outcome", "valid"),
                counters.total("quantwatch.prompts", "outcome", "dead_letter"),
                counters.total("quantwatch.sampling", "decision", "not_sampled"),
                counters.total("quantwatch.sampling", "decision", "rate_limited"),
                counters.total("quantwatch.sampling", "decision", "admitted")
                        + counters.total("quantwatch.sampling", "decision", "over_capacity")
                        + counters.total("quantwatch.sampling", "decision", "late"),
                counters.total("quantwatch.shadowed"),
                counters.total("quantwatch.sampling", "decision", "over_capacity"),
                counters.total("quantwatch.shadow.timeouts"),
                counters.total("quantwatch.shadow.errors"),
                Double.isNaN(freshnessSeconds) ? "-" : String.format("%.0fs", freshnessSeconds));
        long restarts = counters.total("quantwatch.task.restarts");
        if (restarts > 0) {
            out.printf("  ⚠ the job restarted %d time(s) after a failure: see the log above%n", restarts);
        }
        out.printf(
                "%-16s %8s %7s %7s %7s %8s %8s %7s %7s %7s %7s %7s %7s %7s  %s%n",
                "candidate",
                "window",
                "prompts",
                "same%",
                "top1%",
                "KL",
                "PPL%",
                "JSON%",
                "broke%",
                "tool%",
                "args%",
                "value%",
                "early%",
                "late%",
                "verdict");
        for (String c : candidates) {
            DriftMetrics m = latest.get(c);
            if (m == null) {
                out.printf("%-16s %8s%n", c, "(waiting for the first window)");
                continue;
            }
            DriftSummary s = DriftMetricsMapping.toSummary(m);
            out.printf(
                    "%-16s %8s %7d %7s %7s %8.5f %+8.2f %7s %7s %7s %7s %7s %7s %7s  %s%n",
                    c,
                    TIME.format(m.getWindowEnd()),
                    s.prompts(),
                    pct(s.identical()),
                    pct(s.sameTop1()),
                    s.meanKl(),
                    (s.perplexityRatio() - 1) * 100,
                    pct(s.jsonValid()),
                    pct(s.jsonBroken()),
                    pct(s.toolChanged()),
                    pct(s.argumentsChanged()),
                    pct(s.valueChanged()),
                    pct(s.eosEarly()),
                    pct(s.eosLate()),
                    m.getVerdict());
        }
        int from = Math.max(0, alertLog.size() - 5);
        for (DriftAlert a : alertLog.subList(from, alertLog.size())) {
            out.printf(
                    "  %s %-8s %-18s %s/%s/%s value %.4f (threshold %.4f, %d samples)%n",
                    a.getState() == AlertState.FIRING ? "🔴" : "🟢",
                    a.getState(),
                    a.getRule(),
                    a.getCandidate(),
                    a.getTask(),
                    a.getTenant(),
                    a.getValue(),
                    a.getThreshold(),
                    a.getSamples());
        }
        if (latestSample != null) {
            DivergentSample d = latestSample;
            out.printf(
                    "  worst recent sample: %s %s/%s %s, first divergence at token %d, JSON %s%n    reference: %s%n    candidate: %s%n",
                    d.getCandidate(),
                    d.getTask(),
                    d.getTenant(),
                    d.getRequestId(),
                    d.getFirstDivergentToken(),
                    d.getCandidateJson(),
                    oneLine(d.getReferenceText()),
                    oneLine(d.getCandidateText()));
        }
        out.flush();
    }

    private static String oneLine(String text) {
        String flat = text.replace('\n', ' ').strip();
        return flat.length() <= 110 ? flat : flat.substring(0, 110) + "…";
    }

    /** A rate in percent; - without trials (a window written before the rate existed reads as none). */
    private static String pct(Rate r) {
        return r.trials() == 0 ? "-" : String.format("%.1f", r.value() * 100);
    }

    @Override
    public void close() {
        metrics.close();
        alerts.close();
        samples.close();
    }
}
