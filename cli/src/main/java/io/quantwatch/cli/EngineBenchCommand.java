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
import io.quantwatch.evaluate.EvaluationPrompt;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.llamacpp.LlamaCppQuantizer;
import io.quantwatch.llamacpp.LlamaNatives;
import io.quantwatch.oracle.LlamaCppOracle;
import io.quantwatch.oracle.OracleRequest;
import io.quantwatch.oracle.OracleResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch bench engine}: decode tokens/s of the engine in F32, F16, INT8_SYM and INT4_SYM g128 beside
 * llama.cpp b4916 and the current llama.cpp (F32, F16, Q8_0, Q4_0) on the same seeded random model, at each thread
 * count, in one run; resident weight bytes per format; batched prefill and teacher forcing; shadow latency per prompt
 * before and after batching, and of a {@code backend: llama.cpp} candidate.
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

    @Option(
            names = "--prefill-tokens",
            defaultValue = "512",
            description = "Prompt length of the prefill figures (default: ${DEFAULT-VALUE}).")
    int prefillTokens;

    @Option(
            names = "--scored-tokens",
            defaultValue = "256",
            description = "Answer length of the scoring-vs-decoding figure (default: ${DEFAULT-VALUE}).")
    int scoredTokens;

    @Option(
            names = "--prompts",
            defaultValue = "prompts/default.jsonl",
            description = "Prompt file of the shadow-latency figure, on the default config's reference and candidates"
                    + " (default: ${DEFAULT-VALUE}).")
    Path promptFile;

    @Option(
            names = "--skip-big-model",
            description = "Skip the big-file figures (writing and mapping a 2.5 GB 1B-shaped F16 model).")
    boolean skipBigModel;

    @Option(
            names = "--big-model-dir",
            description = "Where the 1B-shaped F16 model is written (default: a temporary directory, deleted after).")
    Path bigModelDir;

    @Option(
            names = "--shadow-prompts",
            defaultValue = "0",
            description = "Use only the first N prompts of that file; 0 = all (default: ${DEFAULT-VALUE}).")
    int shadowPrompts;

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
        double decodeF16VsLlamaCpp = ours.get("F16")[0] / theirs.get("F16")[0];

        // The current llama.cpp, in-process, on the same files: what a team's server runs today.
        CurrentLlamaCppFigures current = new CurrentLlamaCppFigures(runs);
        out.printf(
                "%ndecode tok/s, %s (F32 KV cache), beside the engine (same run):%n",
                CurrentLlamaCppFigures.describe());
        Map<String, double[]> newest = new LinkedHashMap<>();
        for (Format f : FORMATS) {
            double[] n = new double[threads.length];
            for (int i = 0; i < threads.length; i++) {
                n[i] = noLlamaCpp
                        ? Double.NaN
                        : current.decodeTokensPerSecond(files.get(f.llamaCppFile()), prompt, tokens, threads[i]);
                out.printf(
                        "  %-32s threads=%d  engine %7.1f tok/s  llama.cpp %s %7.1f tok/s  engine/llama.cpp %.2f"
                                + "  (b4916 %7.1f)%n",
                        f.label(),
                        threads[i],
                        ours.get(f.label())[i],
                        LlamaNatives.LLAMA_CPP_COMMIT,
                        n[i],
                        ours.get(f.label())[i] / n[i],
                        theirs.get(f.label())[i]);
            }
            newest.put(f.label(), n);
        }
        double decodeF16VsNewLlamaCpp = ours.get("F16")[0] / newest.get("F16")[0];

        BatchedEngineFigures batched = new BatchedEngineFigures(runs);
        LlamaModel f16 = models.get("F16");
        int[] longPrompt = BatchedEngineFigures.randomPrompt(f16, prefillTokens, seed);
        out.printf("%nprefill of a %d-token prompt, F16 (median of %d runs):%n", prefillTokens, runs);
        double[] prefillSpeedup = new double[threads.length];
        double[] prefillVsLlama = new double[threads.length];
        for (int i = 0; i < threads.length; i++) {
            int t = threads[i];
            double oneByOne = batched.prefillSeconds(f16, longPrompt, t, 1);
            double blocks = batched.prefillSeconds(f16, longPrompt, t, InferenceSession.DEFAULT_BLOCK);
            double llama =
                    noLlamaCpp ? Double.NaN : batched.llamaCppPrefillSeconds(files.get(GgmlType.F16), longPrompt, t);
            double newLlama = noLlamaCpp ? Double.NaN : current.prefillSeconds(files.get(GgmlType.F16), longPrompt, t);
            prefillSpeedup[i] = oneByOne / blocks;
            prefillVsLlama[i] = llama / blocks;
            out.printf(
                    "  threads=%d  token by token %7.1f tok/s | batched (blocks of %d) %7.1f tok/s = %.2fx"
                            + " | llama.cpp b4916 %7.1f tok/s, batched/b4916 %.2fx | llama.cpp %s %7.1f tok/s,"
                            + " batched/%s %.2fx%n",
                    t,
                    prefillTokens / oneByOne,
                    InferenceSession.DEFAULT_BLOCK,
                    prefillTokens / blocks,
                    prefillSpeedup[i],
                    prefillTokens / llama,
                    prefillVsLlama[i],
                    LlamaNatives.LLAMA_CPP_COMMIT,
                    prefillTokens / newLlama,
                    LlamaNatives.LLAMA_CPP_COMMIT,
                    newLlama / blocks);
        }
        out.println("  (b4916: request to first streamed piece, i.e. its prompt processing plus one decode step;"
                + " the current llama.cpp: the prompt in batches of 512)");

        BatchedEngineFigures.DecodeAndScore ds = batched.decodeAndScore(f16, prompt, scoredTokens, threads[0]);
        double scoringOverDecode = ds.scoreSeconds() / ds.decodeSeconds();
        out.printf(
                "%nteacher-forced scoring of a %d-token answer vs decoding it greedily, F16, threads=%d:%n"
                        + "  decode %.3f s (%.1f tok/s) | scoring %.3f s (%.1f tok/s) | scoring / decode %.3f"
                        + "  (target <= 0.15)  %s%n",
                ds.tokens(),
                threads[0],
                ds.decodeSeconds(),
                ds.tokens() / ds.decodeSeconds(),
                ds.scoreSeconds(),
                ds.tokens() / ds.scoreSeconds(),
                scoringOverDecode,
                verdict(scoringOverDecode <= 0.15, scoringOverDecode));

        MonitorConfig defaults = ConfigLoader.load(null, List.of());
        List<String> recipes = defaults.candidates().stream()
                .filter(c -> c.backend() == MonitorConfig.Backend.ENGINE)
                .map(MonitorConfig.Candidate::recipe)
                .toList();
        List<EvaluationPrompt> prompts = EvaluationPrompt.read(promptFile);
        if (shadowPrompts > 0 && shadowPrompts < prompts.size()) {
            prompts = prompts.subList(0, shadowPrompts);
        }
        LlamaModel bundled = LlamaModel.load(Path.of(defaults.reference().model()), kernels);
        out.printf(
                "%nshadow latency per prompt: %s, %d prompts of %s, the reference then %s one after another,"
                        + " 1 thread:%n",
                defaults.reference().model(), prompts.size(), promptFile, recipes);
        BatchedEngineFigures.ShadowLatency[] latency = batched.shadowLatency(bundled, recipes, prompts);
        double ratio = latency[1].meanSeconds() / latency[0].meanSeconds();
        out.printf(
                "  before (token by token, candidates decoded from scratch): mean %.0f ms, p95 %.0f ms%n"
                        + "  after (blocks of %d, candidates verified against the reference): mean %.0f ms, p95 %.0f ms%n"
                        + "  after / before %.3f  (target <= 0.40)  %s%n",
                latency[0].meanSeconds() * 1e3,
                latency[0].p95Seconds() * 1e3,
                InferenceSession.DEFAULT_BLOCK,
                latency[1].meanSeconds() * 1e3,
                latency[1].p95Seconds() * 1e3,
                ratio,
                verdict(ratio <= 0.4, ratio));

        // One llama.cpp candidate (the Q4_K_M file llama.cpp's quantizer makes of the bundled model, F16 KV cache as a
        // server runs it) against one engine candidate, both verified against the engine reference's answer.
        double llamaCppShadowMs = Double.NaN;
        if (!noLlamaCpp) {
            Path q4km = dir.resolve("bundled-Q4_K_M.gguf");
            LlamaCppQuantizer.quantize(
                    Path.of(defaults.reference().model()),
                    q4km,
                    LlamaCppQuantizer.FileType.Q4_K_M,
                    Math.max(1, threads[threads.length - 1]));
            BatchedEngineFigures.ShadowLatency viaLlamaCpp =
                    current.shadowLatency(Path.of(defaults.reference().model()), q4km, false, prompts);
            BatchedEngineFigures.ShadowLatency viaEngine =
                    batched.shadowLatency(bundled, List.of("int4 sym group=128"), prompts)[1];
            llamaCppShadowMs = viaLlamaCpp.meanSeconds() * 1e3;
            out.printf(
                    "%nshadow latency per prompt, one candidate, verified, 1 thread:%n"
                            + "  backend: llama.cpp, Q4_K_M by llama.cpp's quantizer (F16 KV cache): mean %.0f ms, p95 %.0f ms%n"
                            + "  backend: engine, int4 sym group=128:                            mean %.0f ms, p95 %.0f ms%n",
                    viaLlamaCpp.meanSeconds() * 1e3,
                    viaLlamaCpp.p95Seconds() * 1e3,
                    viaEngine.meanSeconds() * 1e3,
                    viaEngine.p95Seconds() * 1e3);
        }

        if (!skipBigModel) {
            bigModel(out);
        }

        out.printf(
                "%nengine: prefill_speedup=%.2f prefill_vs_llamacpp=%.2f scoring_over_decode=%.3f"
                        + " shadow_latency_ratio=%.3f decode_f16_vs_llamacpp_t1=%.2f decode_f16_vs_llamacpp_new_t1=%.2f"
                        + " llamacpp_candidate_shadow_ms=%.0f%n",
                prefillSpeedup[0],
                prefillVsLlama[0],
                scoringOverDecode,
                ratio,
                decodeF16VsLlamaCpp,
                decodeF16VsNewLlamaCpp,
                llamaCppShadowMs);
        return 0;
    }

    /**
     * Writes a 1B-shaped F16 model and loads it in a JVM of its own whose heap (1 GB) could not hold its weights:
     * load time, resident memory after load and after decoding (every page touched), against the target
     * RSS ≤ 1.1 × weight bytes + 200 MB.
     */
    private void bigModel(PrintStream out) throws IOException {
        Path dir = bigModelDir != null ? Files.createDirectories(bigModelDir) : Files.createTempDirectory("qw-1b");
        Path file = dir.resolve("random-1b-f16.gguf");
        try {
            long t0 = System.nanoTime();
            RandomLlamaGguf.write( // output tied to the embedding, as Llama 3.2 1B's
                    RandomLlamaGguf.Spec.oneBillion(seed), GgmlType.F16, file, w -> w.removeTensor("output.weight"));
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            out.printf(
                    "%nbig file: a 1B-shaped F16 model (Llama 3.2 1B's shape), %.2f GB written in %.1f s;"
                            + " loaded in a fresh JVM with -Xmx1g:%n",
                    Files.size(file) / 1e9, writeSeconds);
            String jar = Path.of(BigModelLoadProbe.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "--add-modules",
                            "jdk.incubator.vector",
                            "-Xmx1g",
                            "-cp",
                            jar,
                            BigModelLoadProbe.class.getName(),
                            file.toString(),
                            "8")
                    .redirectErrorStream(true)
                    .start();
            String line = null;
            for (String l : new String(p.getInputStream().readAllBytes()).split("\\R")) {
                if (l.startsWith("big-model-load:")) {
                    line = l;
                } else if (!l.startsWith("WARNING")) {
                    out.println("  | " + l);
                }
            }
            if (p.waitFor() != 0 || line == null) {
                out.println("  the load probe failed (exit " + p.exitValue() + ")");
                return;
            }
            Map<String, Double> v = new LinkedHashMap<>();
            for (String kv : line.substring(line.indexOf(':') + 1).trim().split(" ")) {
                v.put(kv.substring(0, kv.indexOf('=')), Double.parseDouble(kv.substring(kv.indexOf('=') + 1)));
            }
            double limit = 1.1 * v.get("weight_mb") + 200;
            out.printf(
                    "  load %.2f s | weights %.0f MB | RSS after load %.0f MB, heap in use %.0f MB"
                            + " | RSS after decoding 8 tokens %.0f MB (target <= 1.1 x weights + 200 MB = %.0f MB)  %s"
                            + " | decode %.2f tok/s at 2 threads%n",
                    v.get("load_s"),
                    v.get("weight_mb"),
                    v.get("rss_after_load_mb"),
                    v.get("heap_used_mb"),
                    v.get("rss_after_decode_mb"),
                    limit,
                    v.get("rss_after_decode_mb") <= limit ? "MET" : "MISSED",
                    v.get("decode_tok_s"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        } finally {
            if (bigModelDir == null) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        }
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
            return BatchedEngineFigures.median(rates);
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
        return BatchedEngineFigures.median(rates);
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
