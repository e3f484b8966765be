package io.quantwatch.security;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides secret-looking values wherever configuration is shown: {@code --print-config}, error messages, startup lines.
 * A key looks secret when its name says so (password, secret, token, JAAS, credentials, user info); references
 * ({@code ${env:…}}, {@code ${file:…}}) stay visible, since they name where the secret is, not what it is.
 */
public final class SecretMask {
    /** What replaces a hidden value. */
    public static final String HIDDEN = "******";

    private static final List<String> SECRET_WORDS = List.of(
            "password",
            "passwd",
            "secret",
            "token",
            "jaas",
            "credential",
            "user.info",
            "userinfo",
            "api.key",
            "apikey",
            "private",
            "salt");
    /** {@code password="…"} inside a JAAS line, {@code password=…} inside a URL or a properties line. */
    private static final Pattern QUOTED_PASSWORD =
            Pattern.compile("(?i)(\\b\\w*(?:password|secret|token)\\w*\\s*=\\s*\")([^\"]*)(\")");

    private static final Pattern BARE_PASSWORD =
            Pattern.compile("(?i)((?:password|passwd|secret|token)=)(?!\")([^&;\\s,]*)");

    private SecretMask() {}

    /** Whether a configuration key names a secret. */
    public static boolean isSecretKey(String key) {
        if (key == null) {
            return false;
        }
        String k = key.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(k::contains);
    }

    /** The value as it may be shown: hidden when the key is secret, unless it only references where the secret is. */
    public static String value(String key, String value) {
        if (value == null || value.isEmpty() || SecretReference.isReference(value)) {
            return value;
        }
        if (!isSecretKey(key)) {
            return text(value);
        }
        // A JAAS line keeps its login module and user name; its quoted secrets are hidden (or shown as references).
        return QUOTED_PASSWORD.matcher(value).find() ? text(value) : HIDDEN;
    }

    /** Free text (an error message, a URL, a JAAS line) with every password-like assignment hidden. */
    public static String text(String text) {
        if (text == null) {
            return null;
        }
        Matcher q = QUOTED_PASSWORD.matcher(text);
        StringBuilder out = new StringBuilder();
        while (q.find()) {
            String shown = SecretReference.isReference(q.group(2)) ? q.group(2) : HIDDEN;
            q.appendReplacement(out, Matcher.quoteReplacement(q.group(1) + shown + q.group(3)));
        }
        q.appendTail(out);
        Matcher b = BARE_PASSWORD.matcher(out.toString());
        StringBuilder out2 = new StringBuilder();
        while (b.find()) {
            String shown = b.group(2).startsWith("${") ? b.group(2) : HIDDEN;
            b.appendReplacement(out2, Matcher.quoteReplacement(b.group(1) + shown));
        }
        b.appendTail(out2);
        return out2.toString();
    }

    /** A {@code key=value} assignment (a {@code --set} or {@code --kafka-property}) with its value masked. */
    public static String assignment(String assignment) {
        int eq = assignment.indexOf('=');
        return eq <= 0
                ? text(assignment)
                : assignment.substring(0, eq + 1) + value(assignment.substring(0, eq), assignment.substring(eq + 1));
    }
}
