package io.quantwatch.detectors;

import java.util.regex.Pattern;

/**
 * Markdown code-fence markup around a JSON document, in the shapes models write: {@code ```json} on its own line or
 * directly before the value ({@code ```json {…}```}, {@code ```json{…}```}), bare {@code ```}, or {@code ~~~}.
 */
final class CodeFence {
    /** A fence opener (with an optional language tag) ending the text before the document. */
    private static final Pattern OPENING =
            Pattern.compile("(?:```|~~~)(?:[A-Za-z][A-Za-z0-9_+.-]*)?[ \\t]*\\r?\\n?[ \\t]*$");

    private static final Pattern CLOSING = Pattern.compile("^\\s*(?:```|~~~)");
    private static final Pattern LEADING = Pattern.compile("^(?:```|~~~)(?:[A-Za-z][A-Za-z0-9_+.-]*)?[ \\t]*\\r?\\n?");
    private static final Pattern TRAILING = Pattern.compile("(?:```|~~~)\\s*$");

    private CodeFence() {}

    /** The text before a document without the fence opener that ends it. */
    static String stripOpening(String before) {
        String trimmed = before.stripTrailing();
        var m = OPENING.matcher(trimmed);
        return m.find() ? trimmed.substring(0, m.start()) : before;
    }

    /** The text after a document without the fence closer that starts it. */
    static String stripClosing(String after) {
        var m = CLOSING.matcher(after);
        return m.find() ? after.substring(m.end()) : after;
    }

    /** A whole output without a fence around it ({@code ```json\\n"yes"\\n```} → {@code "yes"}). */
    static String unwrap(String text) {
        var open = LEADING.matcher(text);
        if (!open.find()) {
            return text;
        }
        String inner = text.substring(open.end());
        var close = TRAILING.matcher(inner);
        return close.find() ? inner.substring(0, close.start()) : inner;
    }

    /** True when a fence opens before {@code documentStart} and no fence closes after it: the answer was cut off. */
    static boolean opensUnclosed(String text, int documentStart) {
        String before = text.substring(0, documentStart);
        if (stripOpening(before).length() == before.length()) {
            return false;
        }
        return text.indexOf("```", documentStart) < 0 && text.indexOf("~~~", documentStart) < 0;
    }
}
