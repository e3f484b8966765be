package io.quantwatch.oracle;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs llama.cpp (java-llama.cpp, llama.cpp b4916) in a forked JVM on the current classpath and
 * returns its answer. Forking contains the binding's failure modes: asking it for token
 * probabilities aborts the JVM, and it does not exit after close().
 */
public final class LlamaCppOracle {
    private final long timeoutSeconds;

    /** A fork that must finish within {@code timeoutSeconds}. */
    public LlamaCppOracle(long timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    public OracleResponse run(OracleRequest request) {
        ObjectMapper json = new ObjectMapper();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("quantwatch-oracle");
            File in = dir.resolve("request.json").toFile();
            File out = dir.resolve("response.json").toFile();
            File log = dir.resolve("llama.log").toFile();
            json.writeValue(in, request);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx1g");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(LlamaCppWorker.class.getName());
            command.add(in.getAbsolutePath());
            command.add(out.getAbsolutePath());
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log)
                    .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        "llama.cpp worker did not finish within " + timeoutSeconds + " s; log: " + tail(log));
            }
            if (p.exitValue() != 0 || !out.exists()) {
                throw new IllegalStateException(
                        "llama.cpp worker failed with exit code " + p.exitValue() + "; log: " + tail(log));
            }
            return json.readValue(out, OracleResponse.class);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the llama.cpp worker: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for llama.cpp", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static String tail(File log) throws IOException {
        // Lenient: llama.cpp logs token pieces, which need not be valid UTF-8.
        String s = new String(Files.readAllBytes(log.toPath()), StandardCharsets.UTF_8);
        return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        File[] files = dir.toFile().listFiles();
        if (files != null) {
            for (File f : files) {
                f.delete();
            }
        }
        dir.toFile().delete();
    }
}
