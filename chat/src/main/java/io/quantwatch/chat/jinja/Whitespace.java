package io.quantwatch.chat.jinja;

/**
 * Whitespace as JavaScript's {@code \s} and {@code String.trim} define it, which is what the reference renderer strips
 * (Java's {@link String#strip()} keeps U+00A0 and U+FEFF, so it cannot be used).
 */
final class Whitespace {
    private Whitespace() {}

    static boolean is(char c) {
        if (c <= ' ') {
            return c == ' ' || (c >= '\t' && c <= '\r');
        }
        return c == '\u00A0'
                || c == '\u1680'
                || (c >= '\u2000' && c <= '\u200A')
                || c == '\u2028'
                || c == '\u2029'
                || c == '\u202F'
                || c == '\u205F'
                || c == '\u3000'
                || c == '\uFEFF';
    }

    static String strip(String s) {
        return stripTrailing(stripLeading(s));
    }

    static String stripLeading(String s) {
        int i = 0;
        while (i < s.length() && is(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    static String stripTrailing(String s) {
        int i = s.length();
        while (i > 0 && is(s.charAt(i - 1))) {
            i--;
        }
        return s.substring(0, i);
    }
}
