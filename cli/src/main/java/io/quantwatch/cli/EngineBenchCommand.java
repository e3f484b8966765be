package io.quantwatch.cli;

import io.quantwatch.engine.generate.GenerationTrace;
import io.quantwatch.engine.generate.GreedyDecoder;
import io.quantwatch.engine.gguf.GgmlType;
import io.quantwatch.engine.model.InferenceSession;
import io.quantwatch.engine.model.LlamaModel;
import io.quantwatch.engine.model.RandomLlamaGguf;
import io.quantwatch.engine.quant.QuantRecipe;
import io.quantwatch.engine.quant.RecipeApplier;
import io.quantwatch.engine.tensor.DotKernels;
import io.quantwatch.oracle.LlamaCppOracle;
import io.quantwatch.oracle.OracleRequest;
import io.quantwatch.oracle.OracleResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch bench engine}: decode tokens/s of the engine in F32, F16, INT8_SYM and INT4_SYM
 * g128 beside llama.cpp (F32, F16, Q8_0, Q4_0) on the same seeded random model, at each thread
 * count, in one run; plus resident weight bytes per format.
 */
@Command(
        name = "engine",
        mixinStandardHelpOptions = true,
        description = "Engine decode speed and weight memory per format, side by side with llama.cpp.")
public final class EngineBenchCommand implements Callable<Integer> {

    @Option(
            names = "--threads",
            split = ",",
            defaultValue = "1,2",
            description = "Thread counts to measure (default: ${DEFAULT-VALUE}).")
    int[] threads;

    @Option(
            names = "--tokens",
            defaultValue = "128",
            description = "Tokens decoded per measured run (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(
            names = "--runs",
            defaultValue = "3",
            description = "Measured runs per cell; the median is reported (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "Seed of the random benchmark model (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-llamacpp", description = "Measure the engine only.")
    boolean noLlamaCpp;

    /** One row of the table: our format and the llama.cpp type it is compared with. */
    record Format(String label, String recipe, GgmlType ourFile, GgmlType llamaCppFile) {}

    static final List<Format> FORMATS = List.of(
            new Format("F32", null, GgmlType.F32, GgmlType.F32),
            new Format("F16", null, GgmlType.F16, GgmlType.F16),
            new Format("INT8_SYM (llama.cpp Q8_0)", "int8 sym", GgmlType.F32, GgmlType.Q8_0),
            new Format("INT4_SYM g128 (llama.cpp Q4_0)", "int4 sym group=128", GgmlType.F32, GgmlType.Q4_0),
            new Format(
                    "INT4_SYM g128 all_layers (Q4_0)", "int4 sym group=128 all_layers", GgmlType.F32, GgmlType.Q4_0));

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        RandomLlamaGguf.Spec spec = RandomLlamaGguf.Spec.benchmark(seed);
        Path dir = Files.createTempDirectory("quantwatch-bench");
        Map<GgmlType, Path> files = new LinkedHashMap<>();
        for (GgmlType t : List.of(GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0)) {
            Path f = dir.resolve("bench-" + t + ".gguf");
            RandomLlamaGguf.write(spec, t, f);
            files.put(t, f);
        }
        DotKernels kernels = DotKernels.preferred();
        LlamaModel f32 = LlamaModel.load(files.get(GgmlType.F32), kernels);
        out.printf(
                "model: seeded random llama, dim %d, %d layers, heads %d/%d (GQA), ffn %d, vocab %d: %.1f M parameters%n",
                spec.dim(),
                spec.layers(),
                spec.heads(),
                spec.kvHeads(),
                spec.hiddenDim(),
                spec.vocabSize(),
                f32.weights().parameterCount() / 1e6);
        out.printf(
                "engine kernels: %s; %d tokens per run, median of %d runs after a warm-up; llama.cpp b4916 via java-llama.cpp, F32 KV cache%n%n",
                kernels.name(), tokens, runs);

        int[] prompt = f32.tokenizer().encode("the benchmark prompt", true);
        Map<String, LlamaModel> models = new LinkedHashMap<>();
        for (Format f : FORMATS) {
            LlamaModel base = f.ourFile() == GgmlType.F32 ? f32 : LlamaModel.load(files.get(f.ourFile()), kernels);
            models.put(
                    f.label(),
                    f.recipe() == null
                            ? base
                            : RecipeApplier.apply(base, QuantRecipe.parse(f.recipe()))
                                    .model());
        }
        Map<String, double[]> ours = new LinkedHashMap<>();
        Map<String, double[]> theirs = new LinkedHashMap<>();
        for (Format f : FORMATS) {
            double[] o = new double[threads.length];
            double[] t = new double[threads.length];
            for (int i = 0; i < threads.length; i++) {
                o[i] = measureEngine(models.get(f.label()), prompt, threads[i]);
                t[i] = noLlamaCpp ? Double.NaN : measureLlamaCpp(files.get(f.llamaCppFile()), prompt, threads[i]);
                out.printf(
                        "  measured %-32s threads=%d  engine %7.1f tok/s  llama.cpp %7.1f tok/s%n",
                        f.label(), threads[i], o[i], t[i]);
            }
            ours.put(f.label(), o);
            theirs.put(f.label(), t);
        }
        out.println();
        printTable(out, models, ours, theirs);
        return 0;
    }

    private double measureEngine(LlamaModel model, int[] prompt, int threadCount) {
        try (InferenceSession session = model.newSession(threadCount, prompt.length + tokens + 1)) {
            GreedyDecoder decoder = new GreedyDecoder(session, 0);
            decoder.generate(prompt, tokens, List.of()); // warm-up: lets C2 compile the kernels
            double[] rates = new double[runs];
            for (int r = 0; r < runs; r++) {
                GenerationTrace t = decoder.generate(prompt, tokens, List.of());
                rates[r] = t.decodeTokensPerSecond();
            }
            return median(rates);
        }
    }

    private double measureLlamaCpp(Path file, int[] prompt, int threadCount) {
        List<OracleRequest.Generation> gens = new ArrayList<>();
        for (int r = 0; r <= runs; r++) {
            gens.add(new OracleRequest.Generation(prompt, tokens));
        }
        OracleResponse response = new LlamaCppOracle(600)
                .run(new OracleRequest(file.toString(), threadCount, prompt.length + tokens + 8, List.of(), gens));
        double[] rates = response.generations().stream()
                .skip(1)
                .mapToDouble(OracleResponse.GenerationResult::decodeTokensPerSecond)
                .toArray();
        return median(rates);
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private void printTable(
            PrintStream out, Map<String, LlamaModel> models, Map<String, double[]> ours, Map<String, double[]> theirs) {
        StringBuilder header = new StringBuilder(String.format("%-32s", "format"));
        for (int t : threads) {
            header.append(String.format(" | %9s %9s %6s", "ours t=" + t, "llama t=" + t, "ratio"));
        }
        header.append(" | weights MiB  ×F16");
        out.println(header);
        out.println("-".repeat(header.length()));
        long f16Bytes = models.get("F16").weights().storageBytes();
        for (Map.Entry<String, LlamaModel> e : models.entrySet()) {
            StringBuilder row = new StringBuilder(String.format("%-32s", e.getKey()));
            for (int i = 0; i < threads.length; i++) {
                double o = ours.get(e.getKey())[i];
                double t = theirs.get(e.getKey())[i];
                row.append(String.format(" | %9.1f %9.1f %5.2fx", o, t, o / t));
            }
            long bytes = e.getValue().weights().storageBytes();
            row.append(String.format(" | %11.1f %5.2f", bytes / 1048576.0, (double) bytes / f16Bytes));
            out.println(row);
        }
        out.println();
        out.println("targets:");
        for (int i = 0; i < threads.length; i++) {
            for (String label : models.keySet()) {
                double ratio = ours.get(label)[i] / theirs.get(label)[i];
                out.printf(
                        "  %-32s t=%d  engine/llama.cpp %.2fx  (target >= 1.20x)  %s%n",
                        label, threads[i], ratio, verdict(ratio >= 1.2, ratio));
            }
            String int4 = FORMATS.get(3).label();
            double speedup = ours.get(int4)[i] / ours.get("F16")[i];
            out.printf(
                    "  INT4_SYM g128 / own F16 speed  t=%d  %.2fx  (target >= 1.80x)  %s%n",
                    threads[i], speedup, verdict(speedup >= 1.8, speedup));
        }
        for (Format f : FORMATS.subList(3, 5)) {
            double memory = (double) models.get(f.label()).weights().storageBytes()
                    / models.get("F16").weights().storageBytes();
            out.printf(
                    "  %-32s weight bytes / F16 bytes  %.3f  (target <= 0.30)  %s%n",
                    f.label(), memory, memory <= 0.30 ? "MET" : "MISSED");
        }
        out.println(
                "  (NNCF's default policy keeps embeddings and the output layer in INT8; all_layers puts them in 4 bit too.)");
    }

    private static String verdict(boolean met, double value) {
        return Double.isNaN(value) ? "not measured" : met ? "MET" : "MISSED";
    }
}
