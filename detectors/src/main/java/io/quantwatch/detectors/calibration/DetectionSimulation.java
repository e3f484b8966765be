package io.quantwatch.detectors.calibration;

import io.quantwatch.detectors.ShadowMetrics;
import io.quantwatch.detectors.alert.AlertMethod;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.detectors.alert.AlertTransition;
import io.quantwatch.detectors.alert.SequentialRateTest;
import io.quantwatch.detectors.window.DriftWindow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Replays a synthetic stream of shadowed prompts through the monitor's own window, roll-up and alert code
 * ({@link DriftWindow}, its merge, {@link AlertEvaluator}) to measure false alarms and time to detect: each sampled
 * prompt gets a tenant, and for every candidate a per-prompt record drawn from the measured baseline (its task
 * comes with it), plus the injected regression on the first candidate once it starts. Tumbling windows of one
 * slide, one per (candidate, task, tenant) and a roll-up per candidate, every rule on each, decided per window
 * ({@link AlertMethod#WINDOW}) or sequentially ({@link AlertMethod#CUSUM}). Not thread-safe.
 */
public final class DetectionSimulation {

    /** The traffic and the rules. */
    public record Settings(List<String> candidates, int tenants, double promptsPerSecond, int slideSeconds, List<AlertRule> rules,
                           boolean perKeyAlerts, AlertMethod method, double decisionThreshold) {
    }

    /** A measured per-prompt record of one task. */
    public record Measured(String task, ShadowMetrics metrics) {
    }

    /** A FIRING transition: which window, key and rule, and how many prompts had been sampled since the injection. */
    public record Firing(int slide, String candidate, String task, String tenant, String rule, long promptsSinceInjection) {
    }

    private final Settings settings;
    private final List<Measured> baseline;
    private final double identicalShare;
    private final double eosEarlyShare;
    private final Random random;
    /** A window's key; task and tenant are {@code *} on a roll-up. */
    private record Key(String candidate, String task, String tenant) {
    }

    /** One rule on one key. */
    private record RuleOnKey(Key key, String rule) {
    }

    private final Set<RuleOnKey> firing = new HashSet<>();
    private final Map<RuleOnKey, Double> scores = new HashMap<>();
    private final Map<String, List<Measured>> byTask = new HashMap<>();
    private int slide;
    private long promptsSinceInjection;

    public DetectionSimulation(Settings settings, List<Measured> baseline, long seed) {
        this.settings = settings;
        this.baseline = List.copyOf(baseline);
        this.identicalShare = baseline.stream().filter(m -> m.metrics().divergence().identical()).count() / (double) baseline.size();
        this.eosEarlyShare = baseline.stream().filter(m -> m.metrics().length().eosEarly()).count() / (double) baseline.size();
        this.random = new Random(seed);
    }

    /**
     * Runs one window (one slide) of traffic.
     *
     * @param injection the regression of the first candidate in this window (NONE for healthy traffic)
     * @return the FIRING transitions this window caused
     */
    public List<Firing> step(Injection injection) {
        Map<Key, DriftWindow> windows = new HashMap<>();
        long prompts = poisson(settings.promptsPerSecond() * settings.slideSeconds());
        for (long p = 0; p < prompts; p++) {
            String tenant = "tenant-" + random.nextInt(settings.tenants());
            Measured drawn = baseline.get(random.nextInt(baseline.size()));
            for (int c = 0; c < settings.candidates().size(); c++) {
                // Each candidate's record comes from the same prompt's task; its figures vary independently.
                Measured m = c == 0 ? drawn : sameTask(drawn.task());
                Injection applied = c == 0 ? injection : Injection.NONE;
                ShadowMetrics figures = applied.apply(m.metrics(), random, identicalShare, eosEarlyShare);
                windows.computeIfAbsent(new Key(settings.candidates().get(c), m.task(), tenant), k -> new DriftWindow()).add(figures);
            }
        }
        if (injection != Injection.NONE) {
            promptsSinceInjection += prompts;
        }
        List<Firing> fired = new ArrayList<>();
        Map<Key, DriftWindow> rollups = new HashMap<>();
        for (Map.Entry<Key, DriftWindow> e : windows.entrySet()) {
            rollups.computeIfAbsent(new Key(e.getKey().candidate(), "*", "*"), k -> new DriftWindow()).merge(e.getValue());
            if (settings.perKeyAlerts()) {
                evaluate(e.getKey(), e.getValue(), fired);
            }
        }
        rollups.forEach((k, w) -> evaluate(k, w, fired));
        slide++;
        return fired;
    }

    private void evaluate(Key key, DriftWindow window, List<Firing> fired) {
        var summary = window.summary();
        for (AlertRule rule : settings.rules()) {
            RuleOnKey state = new RuleOnKey(key, rule.name());
            boolean isFiring = firing.contains(state);
            SequentialRateTest.Step step = settings.method().decide(rule, isFiring, scores.getOrDefault(state, 0.0), summary,
                    settings.decisionThreshold());
            scores.put(state, step.score());
            Optional<AlertTransition> t = step.transition();
            if (t.isEmpty()) {
                continue;
            }
            if (t.get().state() == AlertTransition.State.FIRING) {
                firing.add(state);
                fired.add(new Firing(slide, key.candidate(), key.task(), key.tenant(), rule.name(), promptsSinceInjection));
            } else {
                firing.remove(state);
            }
        }
    }

    private Measured sameTask(String task) {
        List<Measured> of = byTask.computeIfAbsent(task, t -> baseline.stream().filter(m -> m.task().equals(t)).toList());
        return of.get(random.nextInt(of.size()));
    }

    /** Knuth's method for small means, a rounded normal approximation above 50. */
    private long poisson(double mean) {
        if (mean > 50) {
            return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
        }
        double l = Math.exp(-mean);
        long k = 0;
        double p = 1;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > l);
        return k - 1;
    }
}
