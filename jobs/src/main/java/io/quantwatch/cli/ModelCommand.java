package io.quantwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code quantwatch model}: build and check the bundled demo model. */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        description = "Build and check the bundled demo model.",
        subcommands = {
            ModelPrepareCommand.class,
            ModelExportCommand.class,
            ModelCheckCommand.class,
            ModelPromptsCommand.class
        })
public final class ModelCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
