package io.quantwatch.tasks;

/**
 * The demo model's plain-text conversation format. The model was trained on
 * {@code BOS + prompt(instruction) + completion + EOS}, with prompt and completion tokenized separately.
 */
public final class PromptFormat {
    private PromptFormat() {}

    public static String prompt(String instruction) {
        return "User: " + instruction + "\nAssistant:";
    }
}
