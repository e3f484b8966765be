package io.quantwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code quantwatch} command line: the root that dispatches to subcommands. */
@Command(name = "quantwatch", mixinStandardHelpOptions = true, version = "quantwatch 0.1.0",
        description = "Live token-by-token drift monitoring of quantized LLM pipelines.",
        subcommands = {EvaluateCommand.class, BenchCommand.class, ModelCommand.class})
public final class QuantwatchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new QuantwatchCommand()).execute(args));
    }
}
