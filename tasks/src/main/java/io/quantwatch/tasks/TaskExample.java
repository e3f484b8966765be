package io.quantwatch.tasks;

/** One generated task: the user's instruction, the reference completion and how to judge an answer. */
public record TaskExample(TaskFamily family, String instruction, String completion, Check check) {

    /** The text given to the model (see {@link PromptFormat}). */
    public String prompt() {
        return PromptFormat.prompt(instruction);
    }
}
