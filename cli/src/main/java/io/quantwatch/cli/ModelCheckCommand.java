package io.quantwatch.cli;

import io.quantwatch.demomodel.HeldOutEvaluation;
import io.quantwatch.demomodel.LlamaCppAgreement;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.quant.QuantRecipe;
import io.quantwatch.engine.quant.RecipeApplier;
import io.quantwatch.tasks.TaskExample;
import io.quantwatch.tasks.TaskFamily;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch model check}: the bundled model's held-out quality against its targets, its
 * agreement with llama.cpp, and the seed's recipe table (perplexity delta and task rates per recipe).
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = "Held-out quality, llama.cpp agreement and the recipe table of the demo model.")
public final class ModelCheckCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            defaultValue = "models/quantwatch-demo-f16.gguf",
            description = "GGUF model (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(
            names = "--per-family",
            defaultValue = "200",
            description = "Held-out tasks per short family (default: ${DEFAULT-VALUE}).")
    int perFamily;

    @Option(
            names = "--stories",
            defaultValue = "20",
            description = "Held-out story continuations (default: ${DEFAULT-VALUE}).")
    int stories;

    @Option(names = "--threads", defaultValue = "2", description = "Engine threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--recipes",
            defaultValue = "int8 sym; int4 sym group=128; int4 sym group=-1; nf4; fp8_e4m3",
            description = "Recipes for the table, separated by ';' (default: ${DEFAULT-VALUE}).")
    String recipes;

    @Option(
            names = "--agreement-prompts",
            defaultValue = "5",
            description = "Prompts per family compared with llama.cpp; 0 skips (default: ${DEFAULT-VALUE}).")
    int agreementPrompts;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        LlamaModel f16 = LlamaModel.load(model);
        Map<TaskFamily, List<TaskExample>> tasks = HeldOutEvaluation.sample(perFamily, stories, 0);
        out.printf(
                "model: %s, %.2f M parameters, vocab %d; held-out: %d tasks per family, %d stories%n%n",
                model, f16.weights().parameterCount() / 1e6, f16.config().vocabSize(), perFamily, stories);

        HeldOutEvaluation.Report base = HeldOutEvaluation.run(f16, tasks, threads, true);
        out.println("quality at F16 (held-out)");
        row(out, "valid JSON on tool-call prompts", base.validJsonRate(), 0.98);
        row(out, "correct tool name", base.correctToolRate(), 0.95);
        row(out, "exact tool call (name and arguments)", base.exactToolCallRate(), Double.NaN);
        row(out, "constraint satisfied (format)", base.constraintRate(), 0.90);
        row(out, "constrained answer also correct", base.constrainedCorrectRate(), Double.NaN);
        row(out, "translation exact match", base.translationExactRate(), 0.90);
        row(out, "story continuation >= 80 words", base.continuationRate(), Double.NaN);
        out.printf("  perplexity of the reference completions: %.4f%n%n", base.perplexity());
        printFailures(out, base);

        if (agreementPrompts > 0) {
            out.println("llama.cpp agreement (greedy text, F32 KV cache, 1 thread)");
            LlamaCppAgreement.measure(model, f16, tasks, agreementPrompts).forEach((f, a) -> {
                out.printf("  %-18s %d/%d identical%n", f.wireName(), a.identical(), a.total());
                if (a.firstMismatch() != null) {
                    out.println("    first mismatch: " + a.firstMismatch());
                }
            });
            out.println();
        }

        out.println("recipe table (held-out; PPL of reference completions, task rates from greedy decodes)");
        out.printf(
                "  %-30s %9s %8s %8s %8s %8s %8s %8s%n",
                "recipe", "PPL", "ΔPPL", "JSON", "tool", "exact", "constr", "transl");
        printRecipeRow(out, "F16 (reference)", base, base);
        for (String r : QuantRecipe.splitList(recipes)) {
            LlamaModel q = RecipeApplier.apply(f16, QuantRecipe.parse(r)).model();
            printRecipeRow(out, r, HeldOutEvaluation.run(q, tasks, threads, true), base);
        }
        return 0;
    }

    private static void row(PrintStream out, String what, double value, double target) {
        String verdict = Double.isNaN(target)
                ? ""
                : String.format("(target >= %.0f %%) %s", target * 100, value >= target ? "MET" : "MISSED");
        out.printf("  %-40s %6.1f %%  %s%n", what, value * 100, verdict);
    }

    private static void printRecipeRow(
            PrintStream out, String name, HeldOutEvaluation.Report r, HeldOutEvaluation.Report base) {
        out.printf(
                "  %-30s %9.4f %+7.2f%% %7.1f%% %7.1f%% %7.1f%% %7.1f%% %7.1f%%%n",
                name,
                r.perplexity(),
                (r.perplexity() / base.perplexity() - 1) * 100,
                r.validJsonRate() * 100,
                r.correctToolRate() * 100,
                r.exactToolCallRate() * 100,
                r.constraintRate() * 100,
                r.translationExactRate() * 100);
    }

    private static void printFailures(PrintStream out, HeldOutEvaluation.Report r) {
        for (Map.Entry<TaskFamily, List<HeldOutEvaluation.Outcome>> e :
                r.outcomes().entrySet()) {
            e.getValue().stream()
                    .filter(o -> !o.result().satisfied())
                    .limit(2)
                    .forEach(o -> out.printf(
                            "  example failure (%s): %s -> %s [%s]%n",
                            e.getKey().wireName(),
                            o.task().instruction(),
                            o.output().length() > 160 ? o.output().substring(0, 160) + "..." : o.output(),
                            o.result().reason()));
        }
        out.println();
    }
}
