package io.quantwatch.engine.tokenizer;

import java.util.BitSet;
import java.util.Set;

/**
 * What llama.cpp (5b4ebc5) decides from token texts when it loads a vocabulary, whatever the file says: end-of-turn,
 * fill-in-the-middle and end-of-generation texts become control tokens (so a user-defined {@code </s>} in Gemma 3 is
 * no longer cut out of text), gpt-oss's channel markers become user-defined, {@code </s>} is normal again beside Gemma
 * 4's {@code <|tool_response>}; and which tokens end a generation (EOS, end of turn, the FIM pad, repo and file
 * separators, the listed texts). Where a vocabulary holds several texts for one FIM or end-of-turn role, llama.cpp
 * takes one in hash order; the engine takes them all.
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

    /** The FIM pad, repo and file-separator texts, which also end a generation. */
    private static final Set<String> FIM_END_TEXTS = Set.of(
            "<|fim_pad|>",
            "<fim-pad>",
            "<fim_pad>",
            "<PAD>",
            "[PAD]",
            "<|fim_repo|>",
            "<|repo_name|>",
            "<fim-repo>",
            "<REPO>",
            "<reponame>",
            "<|file_sep|>");

    /**
     * End of turn, end of message and fill-in-the-middle prefix, suffix and middle texts: control tokens when found, as
     * are the {@link #FIM_END_TEXTS}.
     */
    private static final Set<String> ROLE_TEXTS = Set.of(
            "<|eot_id|>",
            "<|im_end|>",
            "<|end|>",
            "<end_of_turn>",
            "<|endoftext|>",
            "<|end_of_text|>",
            "<EOT>",
            "_<EOT>",
            "[EOT]",
            "<\uFF5Cend\u2581of\u2581sentence\uFF5C>",
            "<end_of_utterance>",
            "<|eom_id|>",
            "<|fim_prefix|>",
            "<fim-prefix>",
            "<fim_prefix>",
            "<\uFF5Cfim\u2581begin\uFF5C>",
            "<PRE>",
            "\u2581<PRE>",
            "<|code_prefix|>",
            "<|prefix|>",
            "<|fim_suffix|>",
            "<fim-suffix>",
            "<fim_suffix>",
            "<\uFF5Cfim\u2581hole\uFF5C>",
            "<SUF>",
            "\u2581<SUF>",
            "<|code_suffix|>",
            "<|suffix|>",
            "<|fim_middle|>",
            "<fim-middle>",
            "<fim_middle>",
            "<\uFF5Cfim\u2581end\uFF5C>",
            "<MID>",
            "\u2581<MID>",
            "<|code_middle|>",
            "<|middle|>");

    private static final Set<String> ALWAYS_RENDERED =
            Set.of("<|channel|>", "<|message|>", "<|start|>", "<|constrain|>");

    private LlamaCppTypeOverrides() {}

    /**
     * Rewrites {@code types} in place as llama.cpp's loader does and returns the tokens that end a generation:
     * {@code eos}, {@code eot} and {@code eom} (-1: none) and those llama.cpp finds by their text.
     */
    static BitSet apply(String[] tokens, int[] types, int eos, int eot, int eom) {
        BitSet end = new BitSet(tokens.length);
        int toolResponse = -1;
        int endOfSequence = -1;
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (ROLE_TEXTS.contains(t) || FIM_END_TEXTS.contains(t)) {
                types[i] = Vocabulary.CONTROL;
            }
            if (FIM_END_TEXTS.contains(t)) {
                end.set(i);
            }
            if (END_OF_GENERATION_TEXTS.contains(t)) {
                types[i] = Vocabulary.CONTROL;
                end.set(i);
                if (t.equals("<|tool_response>")) {
                    toolResponse = i;
                } else if (t.equals("</s>")) {
                    endOfSequence = i;
                }
            }
        }
        for (int i = 0; i < tokens.length; i++) {
            if (ALWAYS_RENDERED.contains(tokens[i])) {
                types[i] = Vocabulary.USER_DEFINED;
            }
        }
        for (int id : new int[] {eos, eot, eom}) {
            if (id >= 0 && id < tokens.length) {
                end.set(id);
            }
        }
        if (toolResponse >= 0 && endOfSequence >= 0) {
            types[endOfSequence] = Vocabulary.NORMAL;
            end.clear(endOfSequence);
        }
        return end;
    }
}
