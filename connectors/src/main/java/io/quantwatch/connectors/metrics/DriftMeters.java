package io.quantwatch.connectors.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quantwatch.schemas.AlertState;
import io.quantwatch.schemas.DriftAlert;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.RateStat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Publishes the latest closed window of every (model, candidate, task, tenant) key and the state
 * of every alert as Micrometer gauges ({@code quantwatch_window_*}, {@code quantwatch_alert_firing}).
 * Thread-safe: several operator instances of one JVM may report through one instance.
 */
public final class DriftMeters {
    private record Gauged(String name, String description, ToDoubleFunction<DriftMetrics> value) {}

    private static final List<Gauged> WINDOW_GAUGES = List.of(
            new Gauged("quantwatch.window.prompts", "prompts in the latest closed window", m -> m.getPrompts()),
            new Gauged(
                    "quantwatch.window.identical.rate",
                    "share of outputs identical to the reference",
                    m -> rate(m.getIdentical())),
            new Gauged(
                    "quantwatch.window.same.top1.rate",
                    "teacher-forced positions with the same top-1 token",
                    m -> rate(m.getSameTop1())),
            new Gauged(
                    "quantwatch.window.kl.mean",
                    "mean per-token KL(reference||candidate), nats",
                    DriftMetrics::getMeanKl),
            new Gauged(
                    "quantwatch.window.kl.p95", "95th percentile of per-prompt mean KL, nats", DriftMetrics::getKlP95),
            new Gauged(
                    "quantwatch.window.perplexity.ratio",
                    "candidate / reference perplexity on the reference tokens",
                    DriftMetrics::getPerplexityRatio),
            new Gauged(
                    "quantwatch.window.json.valid.rate",
                    "valid JSON among JSON-expected answers",
                    m -> rate(m.getJsonValid())),
            new Gauged(
                    "quantwatch.window.json.broken.rate",
                    "reference valid, candidate not, among JSON-expected answers",
                    m -> rate(m.getJsonBroken())),
            new Gauged(
                    "quantwatch.window.eos.early.rate",
                    "candidate stopped well before the reference",
                    m -> rate(m.getEosEarly())),
            new Gauged(
                    "quantwatch.window.eos.late.rate",
                    "candidate ran well past the reference",
                    m -> rate(m.getEosLate())),
            new Gauged(
                    "quantwatch.window.rare.missing.rate",
                    "reference tokens outside the candidate's top-10",
                    m -> rate(m.getRareMissing())),
            new Gauged(
                    "quantwatch.window.verdict",
                    "0 insufficient data, 1 safe, 2 watch, 3 stop and reconsider",
                    m -> m.getVerdict().ordinal()));

    private final MeterRegistry registry;
    private final Map<Tags, AtomicReference<DriftMetrics>> latest = new ConcurrentHashMap<>();
    private final Map<Tags, AtomicReference<Double>> alerts = new ConcurrentHashMap<>();

    public DriftMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(DriftMetrics window) {
        Tags tags = Tags.of(
                "model",
                window.getModel(),
                "candidate",
                window.getCandidate(),
                "task",
                window.getTask(),
                "tenant",
                window.getTenant());
        latest.computeIfAbsent(tags, t -> {
                    AtomicReference<DriftMetrics> ref = new AtomicReference<>(window);
                    for (Gauged g : WINDOW_GAUGES) {
                        Gauge.builder(g.name(), ref, r -> g.value().applyAsDouble(r.get()))
                                .description(g.description())
                                .tags(t)
                                .strongReference(true)
                                .register(registry);
                    }
                    return ref;
                })
                .set(window);
    }

    public void record(DriftAlert alert) {
        Tags tags = Tags.of(
                "rule",
                alert.getRule(),
                "model",
                alert.getModel(),
                "candidate",
                alert.getCandidate(),
                "task",
                alert.getTask(),
                "tenant",
                alert.getTenant());
        alerts.computeIfAbsent(tags, t -> {
                    AtomicReference<Double> ref = new AtomicReference<>(0.0);
                    Gauge.builder("quantwatch.alert.firing", ref, AtomicReference::get)
                            .description("1 while the alert fires")
                            .tags(t)
                            .strongReference(true)
                            .register(registry);
                    return ref;
                })
                .set(alert.getState() == AlertState.FIRING ? 1.0 : 0.0);
    }

    private static double rate(RateStat r) {
        return r.getTrials() == 0 ? Double.NaN : r.getValue();
    }
}
