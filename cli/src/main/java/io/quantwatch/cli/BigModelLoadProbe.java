package io.quantwatch.cli;

import io.quantwatch.engine.generate.GenerationTrace;
import io.quantwatch.engine.generate.GreedyDecoder;
import io.quantwatch.engine.model.InferenceSession;
import io.quantwatch.engine.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a JVM of its own by {@code bench engine}: loads a big GGUF file, reports the load time, the process's resident
 * memory and the heap in use, then decodes a few tokens (which touches every weight page) and reports them again, as
 * one line {@code big-model-load: key=value …}. A fresh process, so nothing the benchmark itself allocated is counted.
 */
public final class BigModelLoadProbe {
    private BigModelLoadProbe() {}

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int tokens = Integer.parseInt(args[1]);
        long t0 = System.nanoTime();
        LlamaModel model = LlamaModel.load(file);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        long rssAfterLoad = residentBytes();
        long heapAfterLoad = heapUsed();
        double decodeRate;
        try (InferenceSession s = model.newSession(2, tokens + 8)) {
            GenerationTrace t =
                    new GreedyDecoder(s, 0).generate(model.tokenizer().encode("the", true), tokens, List.of());
            decodeRate = t.decodeTokensPerSecond();
        }
        System.out.printf(
                "big-model-load: load_s=%.2f weight_mb=%.0f rss_after_load_mb=%.0f heap_used_mb=%.0f"
                        + " rss_after_decode_mb=%.0f decode_tok_s=%.2f%n",
                loadSeconds,
                model.weights().storageBytes() / 1048576.0,
                rssAfterLoad / 1048576.0,
                heapAfterLoad / 1048576.0,
                residentBytes() / 1048576.0,
                decodeRate);
    }

    /** VmRSS of this process (Linux). */
    static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }

    private static long heapUsed() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
