package io.quantwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quantwatch.connectors.engine.ModelCache;
import io.quantwatch.detectors.alert.Verdict;
import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.Rate;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.quant.CandidateModels;
import io.quantwatch.engine.quant.QuantRecipe;
import io.quantwatch.evaluate.EvaluationPrompt;
import io.quantwatch.evaluate.OfflineEvaluation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch evaluate}: every prompt of a file through the reference and each candidate recipe;
 * one report row per candidate (terminal, JSON, CSV) and the worst examples side by side.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = "Offline drift report of quantization recipes against the reference model.")
public final class EvaluateCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            defaultValue = "models/quantwatch-demo-f16.gguf",
            description = "Reference GGUF (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(
            names = "--candidates",
            defaultValue = "int8 sym; int4 sym group=128; int4 sym group=-1; nf4",
            description = "Recipes separated by ';' (default: ${DEFAULT-VALUE}).")
    String candidates;

    @Option(
            names = "--prompts",
            defaultValue = "prompts/default.jsonl",
            description = "Prompt file, JSON Lines (default: ${DEFAULT-VALUE}).")
    Path prompts;

    @Option(names = "--threads", defaultValue = "2", description = "Engine threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--worst",
            defaultValue = "3",
            description = "Worst examples shown per candidate (default: ${DEFAULT-VALUE}).")
    int worst;

    @Option(
            names = "--out",
            defaultValue = "evaluate-report",
            description = "Folder for report.json and report.csv (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws IOException {
        PrintStream o = System.out;
        List<String> recipes = new ArrayList<>();
        for (String r : candidates.split(";")) {
            // "reference" runs the reference against itself (an A/A check); "file:…" loads a GGUF quantized
            // elsewhere; the rest are recipes.
            if (ModelCache.isReference(r)) {
                recipes.add("reference");
            } else if (CandidateModels.isFile(r)) {
                recipes.add(r.trim());
            } else {
                recipes.addAll(QuantRecipe.splitList(r));
            }
        }
        List<EvaluationPrompt> list = EvaluationPrompt.read(prompts);
        LlamaModel reference = LlamaModel.load(model);
        o.printf(
                "reference %s, %d prompts from %s, candidates: %s%n",
                model, list.size(), prompts, String.join(" | ", recipes));
        long t0 = System.nanoTime();
        List<OfflineEvaluation.CandidateReport> reports =
                OfflineEvaluation.run(reference, recipes, list, threads, worst, EvaluateCommand::progress);
        System.err.print("\r" + " ".repeat(100) + "\r");
        o.println();
        o.printf(
                "%-24s %6s %7s %7s %8s %8s %8s %7s %7s %7s %7s %7s %7s %7s %7s %7s  %s%n",
                "candidate",
                "same%",
                "FDTr50",
                "SDTr50",
                "KL",
                "KLp95",
                "PPL%",
                "top1%",
                "JSON%",
                "broke%",
                "early%",
                "late%",
                "rare%",
                "tool%",
                "args%",
                "value%",
                "verdict");
        for (OfflineEvaluation.CandidateReport r : reports) {
            DriftSummary s = r.summary();
            o.printf(
                    "%-24s %6s %7.3f %7.3f %8.4f %8.4f %+8.2f %7s %7s %7s %7s %7s %7s %7s %7s %7s  %s%n",
                    r.recipe(),
                    pct(s.identical()),
                    s.fdtRatioP50(),
                    s.sdtRatioP50(),
                    s.meanKl(),
                    s.klP95(),
                    (s.perplexityRatio() - 1) * 100,
                    pct(s.sameTop1()),
                    pct(s.jsonValid()),
                    pct(s.jsonBroken()),
                    pct(s.eosEarly()),
                    pct(s.eosLate()),
                    pct(s.rareTokenMissing()),
                    pct(s.toolChanged()),
                    pct(s.argumentsChanged()),
                    pct(s.valueChanged()),
                    r.verdict().level());
        }
        o.printf(
                "%n(%.0f s; rates are %% of prompts except top1 and rare, which are %% of reference positions; JSON%% and broke%% of"
                        + " prompts expecting JSON; tool%%, args%% and value%% of prompts whose two outputs both parsed as JSON; — where none did)%n",
                (System.nanoTime() - t0) / 1e9);
        o.printf("%nverdict by task (structured and constrained outputs weigh; free text through perplexity only):%n");
        for (OfflineEvaluation.CandidateReport r : reports) {
            o.printf(
                    "  %-24s %s%n",
                    r.recipe(),
                    String.join(
                            "  ",
                            r.verdictByTask().entrySet().stream()
                                    .map(e -> e.getKey() + " " + e.getValue().level())
                                    .toList()));
            r.verdictByTask().forEach((task, v) -> {
                if (v.level() != Verdict.Level.SAFE) {
                    o.printf("    %s: %s%n", task, String.join("; ", v.reasons()));
                }
            });
        }
        for (OfflineEvaluation.CandidateReport r : reports) {
            if (r.worst().isEmpty()) {
                continue;
            }
            o.printf("%nworst examples, %s (⟦ marks the first divergent token):%n", r.recipe());
            for (OfflineEvaluation.Example e : r.worst()) {
                o.printf(
                        "  [%s %s] FDT %d, KL %.3f, JSON %s%n",
                        e.prompt().task(),
                        e.prompt().id(),
                        e.metrics().divergence().firstDivergentToken(),
                        e.metrics().distribution().meanKl(),
                        e.metrics().candidateJson().failure());
                o.println("    reference: " + abbreviate(e.referenceMarked()));
                o.println("    candidate: " + abbreviate(e.candidateMarked()));
            }
        }
        writeReports(reports);
        o.printf("%nwrote %s and %s%n", out.resolve("report.json"), out.resolve("report.csv"));
        return 0;
    }

    /** A rate in percent, or — when it had no trials (no prompt expected JSON, say), never NaN. */
    private static String pct(Rate r) {
        return r.trials() == 0 ? "—" : String.format(Locale.ROOT, "%.1f", r.value() * 100);
    }

    private static String abbreviate(String s) {
        String one = s.replace("\n", "⏎");
        return one.length() > 220 ? one.substring(0, 220) + "…" : one;
    }

    private static void progress(String candidate, int done, int total) {
        int width = 30;
        int filled = (int) ((long) width * done / total);
        System.err.printf(
                "\r[%s%s] %d/%d  %s   ", "#".repeat(filled), ".".repeat(width - filled), done, total, candidate);
    }

    private void writeReports(List<OfflineEvaluation.CandidateReport> reports) throws IOException {
        Files.createDirectories(out);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve("report.json").toFile(), reports);
        List<String> csv = new ArrayList<>();
        csv.add(
                "candidate,prompts,identical_rate,fdt_ratio_p50,sdt_ratio_p50,mean_kl,kl_p95,perplexity_ratio,same_top1_rate,"
                        + "json_valid_rate,json_broken_rate,eos_early_rate,eos_late_rate,rare_missing_rate,tool_changed_rate,arguments_changed_rate,"
                        + "value_changed_rate,verdict");
        for (OfflineEvaluation.CandidateReport r : reports) {
            DriftSummary s = r.summary();
            csv.add(String.join(
                    ",",
                    "\"" + r.recipe() + "\"",
                    Long.toString(s.prompts()),
                    d(s.identical().value()),
                    d(s.fdtRatioP50()),
                    d(s.sdtRatioP50()),
                    d(s.meanKl()),
                    d(s.klP95()),
                    d(s.perplexityRatio()),
                    d(s.sameTop1().value()),
                    d(s.jsonValid().value()),
                    d(s.jsonBroken().value()),
                    d(s.eosEarly().value()),
                    d(s.eosLate().value()),
                    d(s.rareTokenMissing().value()),
                    d(s.toolChanged().value()),
                    d(s.argumentsChanged().value()),
                    d(s.valueChanged().value()),
                    r.verdict().level().name()));
        }
        Files.write(out.resolve("report.csv"), csv);
    }

    private static String d(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }
}
