package io.quantwatch.detectors;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Instruction-following slips the reference did not make: a chatty preamble ("Here is the
 * translation:") and a broken sentence-count constraint.
 */
public record InstructionSlips(
        boolean addedPreamble, boolean sentenceConstraint, boolean sentenceCountBroken, int candidateSentences)
        implements Serializable {
    private static final List<String> PREAMBLES = List.of(
            "here is",
            "here's",
            "here are",
            "sure",
            "certainly",
            "of course",
            "the translation is",
            "the answer is",
            "okay",
            "ok,",
            "absolutely");
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?]+(?=\\s|$)");

    /** True when the text opens with a conversational preamble. */
    public static boolean hasPreamble(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (String p : PREAMBLES) {
            if (t.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Sentences, counted by terminal punctuation followed by whitespace or the end. */
    public static int sentences(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return 0;
        }
        int n = (int) SENTENCE_END.matcher(t).results().count();
        boolean unterminated = ".!?".indexOf(t.charAt(t.length() - 1)) < 0;
        return n + (unterminated ? 1 : 0); // a trailing fragment counts as a sentence
    }

    /**
     * @param requiredSentences the request's "exactly N sentences" constraint, or null when it has none
     */
    public static InstructionSlips of(String reference, String candidate, Integer requiredSentences) {
        boolean preamble = hasPreamble(candidate) && !hasPreamble(reference);
        int n = sentences(candidate);
        boolean broken =
                requiredSentences != null && n != requiredSentences && sentences(reference) == requiredSentences;
        return new InstructionSlips(preamble, requiredSentences != null, broken, n);
    }
}
