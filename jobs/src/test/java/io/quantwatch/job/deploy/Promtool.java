package io.quantwatch.job.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's {@code promtool} (package {@code prometheus}, which .ci/run installs); fails clearly without it. */
final class Promtool {
    /** What a run printed and how it ended. */
    record Result(int exit, String output) {}

    private Promtool() {}

    /** The repository's root (the build passes it as quantwatch.root). */
    static Path root() {
        return Path.of(System.getProperty("quantwatch.root", ".."))
                .toAbsolutePath()
                .normalize();
    }

    static Path binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(name + " is not installed: it comes with Debian's prometheus package"
                + " (apt-get install prometheus; .ci/run installs it when run as root)");
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary("promtool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool " + String.join(" ", args) + " did not finish in 2 minutes");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
