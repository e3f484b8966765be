package io.quantwatch.cli;

import io.quantwatch.evaluate.EvaluationPrompt;
import io.quantwatch.tasks.TaskFamily;
import io.quantwatch.tasks.TaskGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quantwatch model prompts}: writes a prompt file drawn from the demo model's held-out task families. */
@Command(
        name = "prompts",
        mixinStandardHelpOptions = true,
        description = "Write an evaluation prompt file from the task families.")
public final class ModelPromptsCommand implements Callable<Integer> {

    @Option(
            names = "--out",
            defaultValue = "prompts/default.jsonl",
            description = "File to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Held-out seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--tool-calls", defaultValue = "40", description = "Tool-call prompts (default: ${DEFAULT-VALUE}).")
    int toolCalls;

    @Option(
            names = "--constrained",
            defaultValue = "30",
            description = "Constrained-reply prompts (default: ${DEFAULT-VALUE}).")
    int constrained;

    @Option(
            names = "--translations",
            defaultValue = "30",
            description = "Translation prompts (default: ${DEFAULT-VALUE}).")
    int translations;

    @Option(
            names = "--stories",
            defaultValue = "8",
            description = "Story-continuation prompts (default: ${DEFAULT-VALUE}).")
    int stories;

    @Override
    public Integer call() throws Exception {
        TaskGenerator g = TaskGenerator.heldOut(seed);
        List<EvaluationPrompt> prompts = new ArrayList<>();
        int[] counts = {toolCalls, constrained, translations, stories};
        TaskFamily[] families = {
            TaskFamily.TOOL_CALL, TaskFamily.CONSTRAINED_REPLY, TaskFamily.TRANSLATION, TaskFamily.LONG_CONTINUATION
        };
        for (int f = 0; f < families.length; f++) {
            for (int i = 0; i < counts[f]; i++) {
                prompts.add(EvaluationPrompt.of(
                        families[f].wireName() + "-" + (i + 1), g.next(families[f]), families[f].maxTokens()));
            }
        }
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        EvaluationPrompt.write(out, prompts);
        System.out.printf("wrote %d prompts to %s%n", prompts.size(), out);
        return 0;
    }
}
