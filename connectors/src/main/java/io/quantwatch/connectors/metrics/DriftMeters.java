package io.quantwatch.connectors.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quantwatch.detectors.JsonFailure;
import io.quantwatch.detectors.alert.AlertEvent;
import io.quantwatch.detectors.alert.AlertTransition;
import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.Rate;
import io.quantwatch.detectors.window.WindowReport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Publishes the latest closed window of every (model, candidate, task, tenant) key and the state
 * of every alert as Micrometer gauges ({@code quantwatch_window_*}, {@code quantwatch_alert_firing}), and counts the
 * windows closed ({@code quantwatch_windows_closed_total}).
 * Thread-safe: several operator instances of one JVM may report through one instance.
 */
public final class DriftMeters {
    private record Gauged(String name, String description, ToDoubleFunction<WindowReport> value) {}

    /** A rate, published with the bounds of its Wilson 95 % interval ({@code _lower}, {@code _upper}). */
    private record RateGauged(String name, String description, Function<DriftSummary, Rate> rate) {
        Stream<Gauged> gauges() {
            return Stream.of(
                    new Gauged(name, description, m -> DriftMeters.rate(rate.apply(m.summary()))),
                    new Gauged(name + ".lower", "Wilson 95 % lower bound: " + description, m -> bound(m, true)),
                    new Gauged(name + ".upper", "Wilson 95 % upper bound: " + description, m -> bound(m, false)));
        }

        private double bound(WindowReport m, boolean lower) {
            Rate r = rate.apply(m.summary());
            if (r.trials() == 0) {
                return Double.NaN;
            }
            return lower ? r.interval().lower() : r.interval().upper();
        }
    }

    private static final List<RateGauged> WINDOW_RATES = List.of(
            new RateGauged(
                    "quantwatch.window.identical.rate",
                    "share of outputs identical to the reference",
                    DriftSummary::identical),
            new RateGauged(
                    "quantwatch.window.same.top1.rate",
                    "teacher-forced positions with the same top-1 token",
                    DriftSummary::sameTop1),
            new RateGauged(
                    "quantwatch.window.json.valid.rate",
                    "valid JSON among JSON-expected answers",
                    DriftSummary::jsonValid),
            new RateGauged(
                    "quantwatch.window.json.broken.rate",
                    "reference valid, candidate not, among JSON-expected answers",
                    DriftSummary::jsonBroken),
            new RateGauged(
                    "quantwatch.window.eos.early.rate",
                    "candidate stopped well before the reference",
                    DriftSummary::eosEarly),
            new RateGauged(
                    "quantwatch.window.eos.late.rate", "candidate ran well past the reference", DriftSummary::eosLate),
            new RateGauged(
                    "quantwatch.window.rare.missing.rate",
                    "reference tokens outside the candidate's top-10",
                    DriftSummary::rareTokenMissing));

    private static final List<Gauged> WINDOW_GAUGES = Stream.concat(
                    Stream.of(
                            new Gauged(
                                    "quantwatch.window.prompts",
                                    "prompts in the latest closed window",
                                    m -> m.summary().prompts()),
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
                                    "quantwatch.window.verdict",
                                    "0 insufficient data, 1 safe, 2 watch, 3 stop and reconsider",
                                    m -> m.verdict().level().ordinal())),
                    WINDOW_RATES.stream().flatMap(RateGauged::gauges))
            .toList();

    private final MeterRegistry registry;
    private final Counter windowsClosed;
    private final Map<Tags, AtomicReference<WindowReport>> latest = new ConcurrentHashMap<>();
    private final Map<Tags, AtomicReference<Double>> alerts = new ConcurrentHashMap<>();

    public DriftMeters(MeterRegistry registry) {
        this.registry = registry;
        // Registered at 0 when the JVM starts reporting, so "no window closed lately" is a series at 0, not a gap.
        this.windowsClosed = Counter.builder("quantwatch.windows.closed")
                .description("per-key windows closed and published (the monitor is not dark while this grows)")
                .register(registry);
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
                    // Every failure class, at 0 when the window had none: a dashboard stacks them without gaps.
                    for (JsonFailure failure : JsonFailure.values()) {
                        Gauge.builder(
                                        "quantwatch.window.json.failures",
                                        ref,
                                        r -> r.get().summary().jsonFailures().getOrDefault(failure, 0L))
                                .description("candidate answers of each JSON failure class in the latest closed window")
                                .tags(t.and("class", failure.name()))
                                .strongReference(true)
                                .register(registry);
                    }
                    return ref;
                })
                .set(window);
        windowsClosed.increment();
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
