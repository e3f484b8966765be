package io.quantwatch.detectors.review;

import java.io.Serializable;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks the personal data most often found in prompts before a divergent example leaves the job:
 * e-mail addresses, URLs with credentials, IPv4 addresses, card-like and phone-like digit runs, and
 * long digit identifiers. Masks keep the kind ({@code [EMAIL]}, {@code [NUMBER]}) so a reviewer still
 * sees the shape of the output, and JSON structure survives. Pattern-based: it catches the common
 * formats, not names or free-text addresses; say so to users who need more.
 */
public final class PiiRedactor implements Serializable {
    private static final long serialVersionUID = 1L;

    private record Rule(Pattern pattern, String mask) implements Serializable {}

    private static final List<Rule> RULES = List.of(
            new Rule(Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"), "[EMAIL]"),
            new Rule(Pattern.compile("(?<=://)[^\\s/:@]+:[^\\s/@]+@"), "[CREDENTIALS]@"),
            new Rule(Pattern.compile("\\b(?:\\d{1,3}\\.){3}\\d{1,3}\\b"), "[IP]"),
            // Card numbers and phone numbers: 7+ digits, possibly grouped by spaces, dots or dashes.
            new Rule(Pattern.compile("(?<![\\w.])\\+?\\d(?:[ .-]?\\d){6,}(?![\\w])"), "[NUMBER]"));

    private final int maxChars;

    /** @param maxChars texts longer than this are cut (with a marker) after masking */
    public PiiRedactor(int maxChars) {
        if (maxChars < 16) {
            throw new IllegalArgumentException("maxChars must be >= 16, got " + maxChars);
        }
        this.maxChars = maxChars;
    }

    public String redact(String text) {
        if (text == null) {
            return "";
        }
        String out = text;
        for (Rule r : RULES) {
            Matcher m = r.pattern().matcher(out);
            out = m.replaceAll(Matcher.quoteReplacement(r.mask()));
        }
        return cut(out);
    }

    /** Cuts without masking: what is kept when redaction is switched off. */
    public String cut(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= maxChars
                ? text
                : text.substring(0, maxChars) + "…[" + (text.length() - maxChars) + " more chars]";
    }
}
