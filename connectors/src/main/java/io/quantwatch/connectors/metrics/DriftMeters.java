package io.quantwatch.connectors.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quantwatch.detectors.JsonFailure;
import io.quantwatch.detectors.alert.AlertEvent;
import io.quantwatch.detectors.alert.AlertTransition;
import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.Rate;
import io.quantwatch.detectors.window.WindowReport;
import java.util.ArrayList;
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
 * windows closed ({@code quantwatch_windows_closed_total}). The series of a key that has not reported since a cutoff
 * are removed ({@link #removeIdle}), so a tenant that went away stops exporting its last verdict.
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
    /** One key's gauges, what they read, and when it last reported (epoch ms). */
    private record Series<T>(
            AtomicReference<T> value, List<Meter> meters, java.util.concurrent.atomic.AtomicLong seen) {
        Series(T first) {
            this(new AtomicReference<>(first), new ArrayList<>(), new java.util.concurrent.atomic.AtomicLong());
        }
    }

    private final Map<Tags, Series<WindowReport>> latest = new ConcurrentHashMap<>();
    /** Tenant and task label values kept per (model, candidate), besides the roll-up's; the job sets them. */
    private volatile int maxTenants = Integer.MAX_VALUE;

    private volatile int maxTasks = Integer.MAX_VALUE;
    private final Map<Tags, Series<Double>> alerts = new ConcurrentHashMap<>();

    public DriftMeters(MeterRegistry registry) {
        this.registry = registry;
        // Registered at 0 when the JVM starts reporting, so "no window closed lately" is a series at 0, not a gap.
        this.windowsClosed = Counter.builder("quantwatch.windows.closed")
                .description("per-key windows closed and published (the monitor is not dark while this grows)")
                .register(registry);
    }

    public void record(WindowReport window) {
        record(window, System.currentTimeMillis());
    }

    /**
     * At most {@code tenants} tenant and {@code tasks} task label values per (model, candidate) besides the roll-up's
     * (the job's fold to {@code ~other} comes before, so its own label counts): when a window brings one more, the
     * series of the least recently reported value go.
     */
    public void limitLabels(int tenants, int tasks) {
        this.maxTenants = tenants;
        this.maxTasks = tasks;
    }

    /** The window's gauges show it from now on; {@code now} (epoch ms) marks its key as active. */
    public void record(WindowReport window, long now) {
        Tags tags = Tags.of(
                "model",
                window.key().model(),
                "candidate",
                window.key().candidate(),
                "task",
                window.key().task(),
                "tenant",
                window.key().tenant());
        boolean[] isNew = {false};
        Series<WindowReport> series = latest.computeIfAbsent(tags, t -> {
            isNew[0] = true;
            Series<WindowReport> created = new Series<>(window);
            AtomicReference<WindowReport> ref = created.value();
            for (Gauged g : WINDOW_GAUGES) {
                created.meters()
                        .add(Gauge.builder(g.name(), ref, r -> g.value().applyAsDouble(r.get()))
                                .description(g.description())
                                .tags(t)
                                .strongReference(true)
                                .register(registry));
            }
            // Every failure class, at 0 when the window had none: a dashboard stacks them without gaps.
            for (JsonFailure failure : JsonFailure.values()) {
                created.meters()
                        .add(Gauge.builder(
                                        "quantwatch.window.json.failures",
                                        ref,
                                        r -> r.get().summary().jsonFailures().getOrDefault(failure, 0L))
                                .description("candidate answers of each JSON failure class in the latest closed window")
                                .tags(t.and("class", failure.name()))
                                .strongReference(true)
                                .register(registry));
            }
            return created;
        });
        series.value().set(window);
        series.seen().set(now);
        if (isNew[0] && !window.key().isRollup()) {
            removeBeyondLimit(window.key().model(), window.key().candidate(), "tenant", maxTenants);
            removeBeyondLimit(window.key().model(), window.key().candidate(), "task", maxTasks);
        }
        windowsClosed.increment();
    }

    public void record(AlertEvent alert) {
        record(alert, System.currentTimeMillis());
    }

    /** The alert's gauge shows its state from now on. */
    public void record(AlertEvent alert, long now) {
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
        Series<Double> series = alerts.computeIfAbsent(tags, t -> {
            Series<Double> created = new Series<>(0.0);
            created.meters()
                    .add(Gauge.builder("quantwatch.alert.firing", created.value(), AtomicReference::get)
                            .description("1 while the alert fires")
                            .tags(t)
                            .strongReference(true)
                            .register(registry));
            return created;
        });
        series.value().set(alert.transition().state() == AlertTransition.State.FIRING ? 1.0 : 0.0);
        series.seen().set(now);
    }

    /** Drops the least recently reported values of {@code tag} for one candidate while more than {@code limit} remain. */
    private synchronized void removeBeyondLimit(String model, String candidate, String tag, int limit) {
        if (limit == Integer.MAX_VALUE) {
            return;
        }
        while (true) {
            Map<String, Long> lastSeen = new java.util.HashMap<>();
            for (var e : latest.entrySet()) {
                Tags t = e.getKey();
                String value = tagValue(t, tag);
                if (model.equals(tagValue(t, "model"))
                        && candidate.equals(tagValue(t, "candidate"))
                        && !io.quantwatch.detectors.window.WindowKey.ALL.equals(value)) {
                    lastSeen.merge(value, e.getValue().seen().get(), Math::max);
                }
            }
            if (lastSeen.size() <= limit) {
                return;
            }
            String oldest = lastSeen.entrySet().stream()
                    .min(Map.Entry.comparingByValue())
                    .orElseThrow()
                    .getKey();
            for (var e : latest.entrySet()) {
                Tags t = e.getKey();
                if (model.equals(tagValue(t, "model"))
                        && candidate.equals(tagValue(t, "candidate"))
                        && oldest.equals(tagValue(t, tag))
                        && latest.remove(t, e.getValue())) {
                    e.getValue().meters().forEach(registry::remove);
                }
            }
        }
    }

    private static String tagValue(Tags tags, String key) {
        return tags.stream()
                .filter(t -> t.getKey().equals(key))
                .map(io.micrometer.core.instrument.Tag::getValue)
                .findFirst()
                .orElse(null);
    }

    /**
     * Removes the series of every key, and of every alert not firing, that has not reported since {@code cutoff}
     * (epoch ms); returns how many keys and alerts went. A firing alert stays until it resolves.
     */
    public int removeIdle(long cutoff) {
        int removed = 0;
        for (var e : latest.entrySet()) {
            if (e.getValue().seen().get() < cutoff && latest.remove(e.getKey(), e.getValue())) {
                e.getValue().meters().forEach(registry::remove);
                removed++;
            }
        }
        for (var e : alerts.entrySet()) {
            Series<Double> a = e.getValue();
            if (a.seen().get() < cutoff && a.value().get() == 0.0 && alerts.remove(e.getKey(), a)) {
                a.meters().forEach(registry::remove);
                removed++;
            }
        }
        return removed;
    }

    private static double rate(Rate r) {
        return r.trials() == 0 ? Double.NaN : r.value();
    }
}
