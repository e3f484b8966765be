package io.quantwatch.detectors.window;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rule for what a client may call a tenant, a task or a model: 1 to {@value #MAX_LENGTH} letters, digits and
 * {@code . _ : @ / + -}. So no client value can pose as a roll-up ({@value WindowKey#ALL}) or as a label the monitor
 * reserves for itself, and no client value becomes a 500 KB Prometheus label.
 */
public final class KeyLabel {
    /** Longest accepted value: far above real tenant, route and model names, far below a label that hurts. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{N}._:@/+-]+");

    private KeyLabel() {}

    /** Why {@code value} cannot be the record's {@code field}, or empty when it can. */
    public static Optional<String> problem(String field, String value) {
        if (value.length() > MAX_LENGTH) {
            return Optional.of("field '" + field + "' is " + value.length() + " characters; at most " + MAX_LENGTH
                    + " are accepted: " + rule());
        }
        if (!ALLOWED.matcher(value).matches()) {
            return Optional.of("field '" + field + "' is \"" + shown(value) + "\": " + rule());
        }
        return Optional.empty();
    }

    private static String rule() {
        return "tenant, task and model must be 1 to " + MAX_LENGTH + " letters, digits or . _ : @ / + -" + " (\""
                + WindowKey.ALL + "\" names the roll-up over all tenants and tasks)";
    }

    /** The value as a reason may quote it: short, control characters escaped. */
    private static String shown(String value) {
        String head = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        StringBuilder out = new StringBuilder();
        head.codePoints()
                .forEach(c -> out.append(
                        Character.isISOControl(c) ? String.format("\\u%04x", c) : new String(Character.toChars(c))));
        return out.toString();
    }
}
