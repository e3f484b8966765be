package io.quantwatch.cli.faults;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What every bench on the deploy/local cluster takes: traffic rate, job overrides, where the scripts are. */
public final class ClusterRunOptions {
    @Option(
            names = "--rate",
            defaultValue = "3",
            description = "Prompts produced per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--set",
            description = "Override one job setting, e.g. --set kafka.delivery=at-least-once (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(
            names = "--deploy-dir",
            defaultValue = "deploy/local",
            description = "The local cluster scripts (default: ${DEFAULT-VALUE}).")
    Path deployDir;

    @Option(names = "--keep", description = "Leave the run directory (logs, checkpoints, savepoints) for inspection.")
    boolean keep;

    /** {@code --set k=v} for each override, as the job jar takes them. */
    List<String> setArgs() {
        List<String> out = new ArrayList<>();
        for (String o : overrides) {
            out.add("--set");
            out.add(o);
        }
        return out;
    }
}
