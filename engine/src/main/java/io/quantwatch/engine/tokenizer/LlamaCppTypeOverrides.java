package io.quantwatch.engine.tokenizer;

import java.util.Set;

/**
 * The token types llama.cpp (5b4ebc5) overrides when it loads a vocabulary, whatever the file says: end-of-generation
 * texts become control tokens (so a user-defined {@code </s>} in Gemma 3 is no longer cut out of text), gpt-oss's
 * channel markers become user-defined, and {@code </s>} is normal again beside Gemma 4's {@code <|tool_response>}.
 */
final class LlamaCppTypeOverrides {
    /** Texts llama.cpp treats as end of generation, forcing them to control tokens. */
    static final Set<String> END_OF_GENERATION_TEXTS = Set.of(
            "<|eot_id|>",
            "<|im_end|>",
            "<|end|>",
            "<|return|>",
            "<|call|>",
            "<|flush|>",
            "<|calls|>",
            "<end_of_turn>",
            "<|endoftext|>",
            "</s>",
            "<|eom_id|>",
            "<EOT>",
            "_<EOT>",
            "[EOT]",
            "[EOS]",
            "<|end_of_text|>",
            "<end_of_utterance>",
            "<eos>",
            "<turn|>",
            "<|tool_response>",
            "<\uFF5Cend\u2581of\u2581sentence\uFF5C>",
            "[e~[");

    private static final Set<String> ALWAYS_RENDERED =
            Set.of("<|channel|>", "<|message|>", "<|start|>", "<|constrain|>");

    private LlamaCppTypeOverrides() {}

    /** Rewrites {@code types} in place as llama.cpp's loader does. */
    static void apply(String[] tokens, int[] types) {
        int toolResponse = -1;
        int endOfSequence = -1;
        for (int i = 0; i < tokens.length; i++) {
            if (END_OF_GENERATION_TEXTS.contains(tokens[i])) {
                types[i] = Vocabulary.CONTROL;
                if (tokens[i].equals("<|tool_response>")) {
                    toolResponse = i;
                } else if (tokens[i].equals("</s>")) {
                    endOfSequence = i;
                }
            }
        }
        for (int i = 0; i < tokens.length; i++) {
            if (ALWAYS_RENDERED.contains(tokens[i])) {
                types[i] = Vocabulary.USER_DEFINED;
            }
        }
        if (toolResponse >= 0 && endOfSequence >= 0) {
            types[endOfSequence] = Vocabulary.NORMAL;
        }
    }
}
