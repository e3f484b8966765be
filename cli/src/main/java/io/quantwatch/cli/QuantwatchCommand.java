package io.quantwatch.cli;

import io.quantwatch.engine.gguf.GgufFormatException;
import io.quantwatch.job.config.ConfigException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code quantwatch} command line: the root that dispatches to subcommands. */
@Command(
        name = "quantwatch",
        mixinStandardHelpOptions = true,
        version = "quantwatch 0.1.0",
        description = "Live token-by-token drift monitoring of quantized LLM pipelines.",
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            ReviewCommand.class,
            EvaluateCommand.class,
            BenchCommand.class,
            ModelCommand.class
        })
public final class QuantwatchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line. Bad input (a recipe, a prompt file, a model file, a broker or database that turns the
     * monitor away) ends with its message and exit code 2 instead of a stack trace; anything else is a bug and keeps its
     * trace.
     */
    static CommandLine commandLine() {
        return new CommandLine(new QuantwatchCommand()).setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof IllegalArgumentException
                    || ex instanceof UncheckedIOException
                    || ex instanceof GgufFormatException
                    || ex instanceof ConfigException
                    || ex instanceof io.quantwatch.security.KafkaAccessCheck.KafkaAccessException
                    || ex instanceof io.quantwatch.review.store.StoreException) {
                cmd.getErr().println("quantwatch: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
    }
}
