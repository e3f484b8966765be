package io.quantwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code quantwatch model}: build and check the bundled demo model, convert llama2.c checkpoints. */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        description = "Build and check the bundled demo model; convert llama2.c checkpoints to GGUF.",
        subcommands = {
            ModelPrepareCommand.class,
            ModelExportCommand.class,
            ModelConvertCommand.class,
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
