package io.quantwatch.cli;

import io.quantwatch.connectors.kafka.ShadowRecordMapping;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.alert.AlertMethod;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.detectors.calibration.DetectionSimulation;
import io.quantwatch.detectors.calibration.DetectionSimulation.Firing;
import io.quantwatch.detectors.calibration.DetectionSimulation.Measured;
import io.quantwatch.detectors.calibration.Injection;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.evaluate.EvaluationPrompt;
import io.quantwatch.evaluate.OfflineEvaluation;
import io.quantwatch.schemas.ShadowRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch bench detection}: false alarms and time to detect of the alert rules, by running the monitor's
 * own window, roll-up and alert code over synthetic traffic drawn from per-prompt figures measured on the bundled
 * model (INT8 against F16 over the bundled prompts; {@code --record} measures them again).
 */
@Command(
        name = "detection",
        mixinStandardHelpOptions = true,
        description =
                "Alert false-alarm rate (A/A) and time to detect injected regressions, on measured detector distributions.")
public final class DetectionBenchCommand implements Callable<Integer> {
    static final String BASELINE = "/detection/bundled-int8-shadow-records.jsonl";
    private static final int BURN_IN = 60;
    private static final List<String> CANDIDATES = List.of("int8-sym", "int4-sym-g128", "int4-sym-cw", "nf4");

    @Option(
            names = "--windows",
            defaultValue = "1000",
            description = "A/A windows (one-minute slides) per rate (default: ${DEFAULT-VALUE}).")
    int windows;

    @Option(
            names = "--trials",
            defaultValue = "40",
            description = "Trials per injected regression and rate (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(
            names = "--rates",
            split = ",",
            defaultValue = "1,10,100",
            description = "Sampled prompts per second (default: ${DEFAULT-VALUE}).")
    double[] rates;

    @Option(
            names = "--horizon",
            defaultValue = "180",
            description = "Windows to wait for a detection before giving up (default: ${DEFAULT-VALUE}).")
    int horizon;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of the synthetic traffic (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--method",
            defaultValue = "CUSUM",
            description = "Rate rules: WINDOW (a Wilson test per window) or CUSUM (default: ${DEFAULT-VALUE}).")
    AlertMethod method;

    @Option(
            names = "--cusum-threshold",
            defaultValue = "7",
            description = "CUSUM decision threshold (default: ${DEFAULT-VALUE}).")
    double cusumThreshold;

    @Option(
            names = "--window-seconds",
            defaultValue = "60",
            description = "Window length (tumbling; windows.size = slide) (default: ${DEFAULT-VALUE}).")
    int windowSeconds;

    @Option(
            names = "--json-share",
            description = "Share of prompts expecting JSON (default: the measured traffic's; 1 = an agent"
                    + " workload of tool calls only).")
    Double jsonShare;

    @Option(
            names = "--per-key",
            description =
                    "Alert on each (task, tenant) key too, not only on each candidate's roll-up (alerts.per-key).")
    boolean perKey;

    @Option(
            names = "--record",
            description =
                    "Measure the baseline again with the engine (bundled model, INT8 vs F16) into this file, then exit.")
    Path record;

    @Override
    public Integer call() throws IOException {
        if (record != null) {
            record(record);
            return 0;
        }
        PrintStream out = System.out;
        List<Measured> baseline = load();
        List<AlertRule> rules = AlertRule.defaults();
        double measuredShare =
                baseline.stream().filter(DetectionSimulation::jsonTrial).count() / (double) baseline.size();
        out.printf(
                "baseline: %d per-prompt records measured on the bundled model (INT8 sym vs F16), JSON broken set to %.0f %%;"
                        + " %.0f %% of prompts can break JSON (%s)%n",
                baseline.size(),
                Injection.BASELINE_JSON_BROKEN * 100,
                (jsonShare == null ? measuredShare : jsonShare) * 100,
                jsonShare == null ? "as measured" : "--json-share");
        out.printf(
                "traffic: %d candidates x 4 tasks x 3 tenants + a roll-up per candidate, tumbling windows, %d default rules,"
                        + " rate rules decided by %s, alerts on %s, %d-second windows%n%n",
                CANDIDATES.size(),
                rules.size(),
                method == AlertMethod.CUSUM
                        ? "a CUSUM (threshold " + fmt(cusumThreshold) + ")"
                        : "one Wilson test per window",
                perKey ? "every key and roll-up" : "roll-ups only",
                windowSeconds);
        Map<String, Double> summary = new LinkedHashMap<>();
        out.printf(
                "A/A: FIRING transitions per 1 000 windows, summed over all keys (%d windows per rate, after 60 windows whose FIRINGs"
                        + " are counted apart as standing alerts)%n",
                windows);
        out.printf(
                "%-22s%s%n",
                "rule",
                Arrays.stream(rates)
                        .mapToObj(r -> String.format("%12s", fmt(r) + "/s"))
                        .reduce("", String::concat));
        Map<String, double[]> perRule = new TreeMap<>();
        double[] totals = new double[rates.length];
        long[] standing = new long[rates.length];
        for (int i = 0; i < rates.length; i++) {
            DetectionSimulation sim = new DetectionSimulation(settings(rates[i], rules), baseline, seed + i);
            // The first 60 windows settle standing alerts (keys whose measured baseline already breaches a threshold).
            for (int w = 0; w < BURN_IN; w++) {
                standing[i] += sim.step(Injection.NONE).size();
            }
            List<Firing> fired = new ArrayList<>();
            for (int w = 0; w < windows; w++) {
                fired.addAll(sim.step(Injection.NONE));
            }
            for (AlertRule rule : rules) {
                perRule.computeIfAbsent(rule.name(), k -> new double[rates.length])[i] =
                        fired.stream().filter(f -> f.rule().equals(rule.name())).count() * 1000.0 / windows;
            }
            totals[i] = fired.size() * 1000.0 / windows;
        }
        perRule.forEach((rule, v) -> out.printf(
                "%-22s%s%n",
                rule, Arrays.stream(v).mapToObj(x -> String.format("%12.1f", x)).reduce("", String::concat)));
        out.printf(
                "%-22s%s%n",
                "all rules",
                Arrays.stream(totals).mapToObj(x -> String.format("%12.1f", x)).reduce("", String::concat));
        out.printf(
                "%-22s%s%n%n",
                "(standing, 60 windows)",
                Arrays.stream(standing).mapToObj(x -> String.format("%12d", x)).reduce("", String::concat));
        summary.put("aa_firing_per_1000_windows", Arrays.stream(totals).max().orElse(0));

        out.printf(
                "Injected into one candidate after 5 healthy windows (more until its learned baselines are learned): sampled prompts%n"
                        + "and minutes to its first FIRING of a rule that watches the regression (%d trials; p95 '>' when some trials were not detected within %d windows)%n",
                trials, horizon);
        out.printf(
                "%-18s %8s %10s %12s %12s %10s %10s %10s%n",
                "regression", "rate", "detected", "prompts p50", "prompts p95", "JSON p95", "min p50", "min p95");
        Map<Injection, List<String>> watching = Map.of(
                Injection.JSON_2PP, List.of("json-broken"),
                Injection.EOS_EARLY_5PP, List.of("eos-early"),
                Injection.KL_2X, List.of("perplexity-up-5pct", "same-top1-low", "kl-up-50pct"),
                Injection.IDENTICAL_MINUS_10PP,
                        List.of("same-top1-low", "value-changed", "perplexity-up-5pct", "identical-down-5pp"));
        for (Injection injection :
                List.of(Injection.JSON_2PP, Injection.EOS_EARLY_5PP, Injection.KL_2X, Injection.IDENTICAL_MINUS_10PP)) {
            for (int i = 0; i < rates.length; i++) {
                long[] prompts = new long[trials];
                long[] jsonPrompts = new long[trials];
                int[] minutes = new int[trials];
                int detected = 0;
                for (int t = 0; t < trials; t++) {
                    DetectionSimulation sim = new DetectionSimulation(
                            settings(rates[i], rules), baseline, seed * 1_000_003L + t * 31L + i);
                    // Healthy traffic first: at least 5 windows, and until the rules on a learned baseline have learned
                    // it.
                    for (int w = 0; w < 5 || !sim.baselinesLearned(CANDIDATES.get(0)); w++) {
                        sim.step(Injection.NONE);
                    }
                    prompts[t] = Long.MAX_VALUE;
                    jsonPrompts[t] = Long.MAX_VALUE;
                    minutes[t] = Integer.MAX_VALUE; // in windows until printed
                    for (int w = 1; w <= horizon; w++) {
                        var hit = sim.step(injection).stream()
                                .filter(f -> f.candidate().equals(CANDIDATES.get(0))
                                        && watching.get(injection).contains(f.rule()))
                                .findFirst();
                        if (hit.isPresent()) {
                            prompts[t] = hit.get().promptsSinceInjection();
                            jsonPrompts[t] = hit.get().jsonPromptsSinceInjection();
                            minutes[t] = w;
                            detected++;
                            break;
                        }
                    }
                }
                Arrays.sort(prompts);
                Arrays.sort(jsonPrompts);
                Arrays.sort(minutes);
                long p95 = prompts[(int) Math.ceil(0.95 * trials) - 1];
                out.printf(
                        "%-18s %6s/s %7d/%-2d %12s %12s %10s %10s %10s%n",
                        injection.label(),
                        fmt(rates[i]),
                        detected,
                        trials,
                        count(prompts[trials / 2]),
                        count(p95),
                        count(jsonPrompts[(int) Math.ceil(0.95 * trials) - 1]),
                        minutes(minutes[trials / 2]),
                        minutes(minutes[(int) Math.ceil(0.95 * trials) - 1]));
                String key = switch (injection) {
                    case JSON_2PP -> "json2pp_p95_prompts";
                    case EOS_EARLY_5PP -> "eos5pp_p95_prompts";
                    case KL_2X -> "kl2x_p95_prompts";
                    case IDENTICAL_MINUS_10PP -> "identical10pp_p95_prompts";
                    default -> null;
                };
                if (key != null) {
                    summary.merge(key, p95 == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : (double) p95, Math::max);
                }
            }
        }
        out.println();
        out.println(
                "targets: A/A <= 1 FIRING per 1 000 windows over all keys and default rules; JSON +2 pp paged within 2 000 sampled prompts at p95");
        StringBuilder line = new StringBuilder("detection:");
        summary.forEach(
                (k, v) -> line.append(' ').append(k).append('=').append(Double.isInfinite(v) ? "never" : fmt(v)));
        out.println(line);
        return 0;
    }

    private DetectionSimulation.Settings settings(double rate, List<AlertRule> rules) {
        return new DetectionSimulation.Settings(
                CANDIDATES,
                3,
                rate,
                windowSeconds,
                rules,
                perKey,
                method,
                cusumThreshold,
                jsonShare == null ? Double.NaN : jsonShare);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format("%.1f", v);
    }

    /** A detection delay in windows, printed in minutes. */
    private String minutes(int windows) {
        return windows == Integer.MAX_VALUE ? ">" : fmt(Math.round(windows * windowSeconds / 6.0) / 10.0);
    }

    private static String count(long v) {
        return v == Long.MAX_VALUE || v == Integer.MAX_VALUE ? ">" : String.valueOf(v);
    }

    /** The measured per-prompt records shipped with the jar. */
    static List<Measured> load() throws IOException {
        List<Measured> out = new ArrayList<>();
        SpecificDatumReader<ShadowRecord> reader = new SpecificDatumReader<>(ShadowRecord.class);
        try (InputStream in =
                Objects.requireNonNull(DetectionBenchCommand.class.getResourceAsStream(BASELINE), BASELINE)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    ShadowRecord r =
                            reader.read(null, DecoderFactory.get().jsonDecoder(ShadowRecord.getClassSchema(), line));
                    out.add(new Measured(
                            r.getTask(), ShadowRecordMapping.toResult(r).metrics()));
                }
            }
        }
        return out;
    }

    /** Runs INT8 sym against the bundled F16 model over the bundled prompts; one Avro-JSON shadow record per line. */
    private static void record(Path file) throws IOException {
        LlamaModel reference = LlamaModel.load(Path.of("models/quantwatch-demo-f16.gguf"));
        List<EvaluationPrompt> prompts = EvaluationPrompt.read(Path.of("prompts/default.jsonl"));
        SpecificDatumWriter<ShadowRecord> writer = new SpecificDatumWriter<>(ShadowRecord.class);
        List<String> lines = new ArrayList<>();
        OfflineEvaluation.run(
                reference,
                List.of("int8 sym"),
                prompts,
                2,
                0,
                (c, done, total) -> System.err.printf("\r%d/%d", done, total),
                (recipe, p, ref, cand, m) -> {
                    var prompt = new ShadowResult.PromptIdentity(p.id(), "bench", "quantwatch-demo", p.task(), 0);
                    ShadowRecord r = ShadowRecordMapping.toAvro(
                            ShadowResult.compared(prompt, "int8-sym", m, ref.finish(), cand.finish(), null, null));
                    try {
                        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                        JsonEncoder enc = EncoderFactory.get().jsonEncoder(ShadowRecord.getClassSchema(), bytes);
                        writer.write(r, enc);
                        enc.flush();
                        lines.add(bytes.toString(StandardCharsets.UTF_8).replace("\n", ""));
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                });
        Files.write(file, lines);
        System.err.printf("%nwrote %d records to %s%n", lines.size(), file);
    }
}
