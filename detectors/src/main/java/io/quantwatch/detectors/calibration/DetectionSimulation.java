package io.quantwatch.detectors.calibration;

import io.quantwatch.detectors.ShadowMetrics;
import io.quantwatch.detectors.alert.AlertMethod;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.detectors.alert.AlertTransition;
import io.quantwatch.detectors.alert.RuleState;
import io.quantwatch.detectors.window.DriftWindow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Replays a synthetic stream of shadowed prompts through the monitor's own window, roll-up and alert code
 * ({@link DriftWindow}, its merge, {@link AlertMethod#decide}) to measure false alarms and time to detect: each sampled
 * prompt gets a tenant, and for every candidate a per-prompt record drawn from the measured baseline (its task
 * comes with it), plus the injected regression on the first candidate once it starts. Tumbling windows of one
 * slide, one per (candidate, task, tenant) and a roll-up per candidate, every rule on each, decided per window
 * ({@link AlertMethod#WINDOW}) or sequentially ({@link AlertMethod#CUSUM}); rules on a learned baseline learn it from
 * the first windows. Not thread-safe.
 */
public final class DetectionSimulation {

    /** The traffic and the rules. */
    public record Settings(
            List<String> candidates,
            int tenants,
            double promptsPerSecond,
            int slideSeconds,
            List<AlertRule> rules,
            boolean perKeyAlerts,
            AlertMethod method,
            double decisionThreshold,
            double jsonShare) {
        /** Traffic whose share of prompts expecting JSON is the measured baseline's. */
        public Settings(
                List<String> candidates,
                int tenants,
                double promptsPerSecond,
                int slideSeconds,
                List<AlertRule> rules,
                boolean perKeyAlerts,
                AlertMethod method,
                double decisionThreshold) {
            this(
                    candidates,
                    tenants,
                    promptsPerSecond,
                    slideSeconds,
                    rules,
                    perKeyAlerts,
                    method,
                    decisionThreshold,
                    Double.NaN);
        }
    }

    /** A measured per-prompt record of one task. */
    public record Measured(String task, ShadowMetrics metrics) {}

    /**
     * A FIRING transition: which window, key and rule, and how many prompts had been sampled since the injection (all,
     * and those whose JSON could break: JSON expected and the reference's valid).
     */
    public record Firing(
            int slide,
            String candidate,
            String task,
            String tenant,
            String rule,
            long promptsSinceInjection,
            long jsonPromptsSinceInjection) {}

    private final Settings settings;
    private final List<Measured> baseline;
    private final double identicalShare;
    private final double eosEarlyShare;
    private final Random random;
    /** A window's key; task and tenant are {@code *} on a roll-up. */
    private record Key(String candidate, String task, String tenant) {}

    /** One rule on one key. */
    private record RuleOnKey(Key key, String rule) {}

    private final Map<RuleOnKey, RuleState> states = new HashMap<>();
    private final Map<String, List<Measured>> byTask = new HashMap<>();
    private int slide;
    private long promptsSinceInjection;
    private long jsonPromptsSinceInjection;
    private final List<Measured> jsonPrompts;
    private final List<Measured> otherPrompts;

    public DetectionSimulation(Settings settings, List<Measured> baseline, long seed) {
        this.settings = settings;
        this.baseline = List.copyOf(baseline);
        this.identicalShare = baseline.stream()
                        .filter(m -> m.metrics().divergence().identical())
                        .count()
                / (double) baseline.size();
        this.eosEarlyShare =
                baseline.stream().filter(m -> m.metrics().length().eosEarly()).count() / (double) baseline.size();
        this.random = new Random(seed);
        this.jsonPrompts =
                baseline.stream().filter(DetectionSimulation::jsonTrial).toList();
        this.otherPrompts = baseline.stream().filter(m -> !jsonTrial(m)).toList();
        if (!Double.isNaN(settings.jsonShare())
                && (jsonPrompts.isEmpty() || otherPrompts.isEmpty() && settings.jsonShare() < 1)) {
            throw new IllegalArgumentException("the baseline cannot give a JSON share of " + settings.jsonShare()
                    + ": it has " + jsonPrompts.size() + " JSON and " + otherPrompts.size() + " other prompts");
        }
    }

    /** Whether the prompt's JSON can break: JSON expected and the reference's valid (what JSON broken counts). */
    public static boolean jsonTrial(Measured m) {
        return m.metrics().jsonExpected() && m.metrics().referenceJson().valid();
    }

    /** A prompt of the traffic: drawn from the baseline, or from its JSON or other part at the configured share. */
    private Measured draw() {
        List<Measured> from = Double.isNaN(settings.jsonShare())
                ? baseline
                : random.nextDouble() < settings.jsonShare() ? jsonPrompts : otherPrompts;
        return from.get(random.nextInt(from.size()));
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
            Measured drawn = draw();
            if (injection != Injection.NONE && jsonTrial(drawn)) {
                jsonPromptsSinceInjection++;
            }
            for (int c = 0; c < settings.candidates().size(); c++) {
                // Each candidate's record comes from the same prompt's task; its figures vary independently.
                Measured m = c == 0 ? drawn : sameTask(drawn.task());
                Injection applied = c == 0 ? injection : Injection.NONE;
                ShadowMetrics figures = applied.apply(m.metrics(), random, identicalShare, eosEarlyShare);
                windows.computeIfAbsent(new Key(settings.candidates().get(c), m.task(), tenant), k -> new DriftWindow())
                        .add(figures);
            }
        }
        if (injection != Injection.NONE) {
            promptsSinceInjection += prompts;
        }
        List<Firing> fired = new ArrayList<>();
        Map<Key, DriftWindow> rollups = new HashMap<>();
        for (Map.Entry<Key, DriftWindow> e : windows.entrySet()) {
            rollups.computeIfAbsent(new Key(e.getKey().candidate(), "*", "*"), k -> new DriftWindow())
                    .merge(e.getValue());
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
            RuleOnKey on = new RuleOnKey(key, rule.name());
            RuleState.Next next = settings.method()
                    .decide(rule, states.getOrDefault(on, RuleState.NEW), summary, settings.decisionThreshold());
            states.put(on, next.state());
            Optional<AlertTransition> t = next.transition();
            if (t.isPresent() && t.get().state() == AlertTransition.State.FIRING) {
                fired.add(new Firing(
                        slide,
                        key.candidate(),
                        key.task(),
                        key.tenant(),
                        rule.name(),
                        promptsSinceInjection,
                        jsonPromptsSinceInjection));
            }
        }
    }

    /** Whether every rule on a learned baseline has learned it on this candidate's roll-up. */
    public boolean baselinesLearned(String candidate) {
        Key rollup = new Key(candidate, "*", "*");
        return settings.rules().stream()
                .filter(r -> r.baseline() == AlertRule.Baseline.LEARNED)
                .allMatch(r -> states.getOrDefault(new RuleOnKey(rollup, r.name()), RuleState.NEW)
                        .baseline()
                        .learned(r.minSamples()));
    }

    private Measured sameTask(String task) {
        List<Measured> of = byTask.computeIfAbsent(
                task, t -> baseline.stream().filter(m -> m.task().equals(t)).toList());
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
