package io.quantwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code quantwatch bench}: benchmarks that print their figures side by side. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks (figures printed, never asserted).",
        subcommands = {
            EngineBenchCommand.class,
            StreamBenchCommand.class,
            OverloadBenchCommand.class,
            JsonBenchCommand.class,
            DetectionBenchCommand.class,
            io.quantwatch.cli.faults.FaultBenchCommand.class,
            io.quantwatch.cli.faults.RescaleBenchCommand.class
        })
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
