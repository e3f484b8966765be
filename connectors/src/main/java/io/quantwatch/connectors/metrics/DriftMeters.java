package io.quantwatch.connectors.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quantwatch.detectors.alert.AlertEvent;
import io.quantwatch.detectors.alert.AlertTransition;
import io.quantwatch.detectors.window.Rate;
import io.quantwatch.detectors.window.WindowReport;
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
    private record Gauged(String name, String description, ToDoubleFunction<WindowReport> value) {}

    private static final List<Gauged> WINDOW_GAUGES = List.of(
            new Gauged(
                    "quantwatch.window.prompts",
                    "prompts in the latest closed window",
                    m -> m.summary().prompts()),
            new Gauged(
                    "quantwatch.window.identical.rate",
                    "share of outputs identical to the reference",
                    m -> rate(m.summary().identical())),
            new Gauged(
                    "quantwatch.window.same.top1.rate",
                    "teacher-forced positions with the same top-1 token",
                    m -> rate(m.summary().sameTop1())),
            new Gauged(
                    "quantwatch.window.kl.mean",
                    "mean per-token KL(reference||candidate), nats",
                    m -> m.summary().meanKl()),
            new Gauged(
                    "quantwatch.window.kl.p95",
                    "95th percentile of per-prompt mean KL, nats",
                    m -> m.summary().klP95()),
            new Gauged(
                    "quantwatch.window.perplexity.ratio",
                    "candidate / reference perplexity on the reference tokens",
                    m -> m.summary().perplexityRatio()),
            new Gauged(
                    "quantwatch.window.json.valid.rate",
                    "valid JSON among JSON-expected answers",
                    m -> rate(m.summary().jsonValid())),
            new Gauged(
                    "quantwatch.window.json.broken.rate",
                    "reference valid, candidate not, among JSON-expected answers",
                    m -> rate(m.summary().jsonBroken())),
            new Gauged(
                    "quantwatch.window.eos.early.rate",
                    "candidate stopped well before the reference",
                    m -> rate(m.summary().eosEarly())),
            new Gauged(
                    "quantwatch.window.eos.late.rate",
                    "candidate ran well past the reference",
                    m -> rate(m.summary().eosLate())),
            new Gauged(
                    "quantwatch.window.rare.missing.rate",
                    "reference tokens outside the candidate's top-10",
                    m -> rate(m.summary().rareTokenMissing())),
            new Gauged(
                    "quantwatch.window.verdict",
                    "0 insufficient data, 1 safe, 2 watch, 3 stop and reconsider",
                    m -> m.verdict().level().ordinal()));

    private final MeterRegistry registry;
    private final Map<Tags, AtomicReference<WindowReport>> latest = new ConcurrentHashMap<>();
    private final Map<Tags, AtomicReference<Double>> alerts = new ConcurrentHashMap<>();

    public DriftMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(WindowReport window) {
        Tags tags = Tags.of(
                "model",
                window.key().model(),
                "candidate",
                window.key().candidate(),
                "task",
                window.key().task(),
                "tenant",
                window.key().tenant());
        latest.computeIfAbsent(tags, t -> {
                    AtomicReference<WindowReport> ref = new AtomicReference<>(window);
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

    public void record(AlertEvent alert) {
        Tags tags = Tags.of(
                "rule",
                alert.transition().rule().name(),
                "model",
                alert.key().model(),
                "candidate",
                alert.key().candidate(),
                "task",
                alert.key().task(),
                "tenant",
                alert.key().tenant());
        alerts.computeIfAbsent(tags, t -> {
                    AtomicReference<Double> ref = new AtomicReference<>(0.0);
                    Gauge.builder("quantwatch.alert.firing", ref, AtomicReference::get)
                            .description("1 while the alert fires")
                            .tags(t)
                            .strongReference(true)
                            .register(registry);
                    return ref;
                })
                .set(alert.transition().state() == AlertTransition.State.FIRING ? 1.0 : 0.0);
    }

    private static double rate(Rate r) {
        return r.trials() == 0 ? Double.NaN : r.value();
    }
}
