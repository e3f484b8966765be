package io.quantwatch.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${env:NAME}} and {@code ${file:/path}} references inside a configuration value, at the place the
 * value is used, so the secret itself is never part of a configuration that is printed, logged or shipped to Flink.
 * A file's whole content is the value, one trailing newline dropped (as {@code echo secret > file} writes it).
 */
public final class SecretReference {
    /** Same shape as Kafka's {@code ${provider:key}} variables, so Kafka clients can resolve the same text. */
    static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");

    private SecretReference() {}

    /** Whether {@code value} holds at least one reference. */
    public static boolean hasReference(String value) {
        return value != null && REFERENCE.matcher(value).find();
    }

    /** Whether {@code value} is exactly one reference and nothing else. */
    public static boolean isReference(String value) {
        return value != null && REFERENCE.matcher(value.strip()).matches();
    }

    /** {@code value} with every reference replaced by what it names, from this process's environment and files. */
    public static String resolve(String value) {
        return resolve(value, System::getenv);
    }

    /** As {@link #resolve(String)}, reading variables through {@code env} (tests). */
    static String resolve(String value, UnaryOperator<String> env) {
        if (value == null) {
            return null;
        }
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String secret = m.group(1).equals("env") ? env(m.group(2), env) : file(m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(secret));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String env(String name, UnaryOperator<String> env) {
        String v = env.apply(name);
        if (v == null) {
            throw new SecretReferenceException("${env:" + name + "}: the environment variable " + name
                    + " is not set in this process; set it where the value is used (on every TaskManager too)");
        }
        return v;
    }

    static String file(String path) {
        Path p = Path.of(path);
        if (!p.isAbsolute()) {
            throw new SecretReferenceException(
                    "${file:" + path + "}: the path must be absolute, e.g. ${file:/run/secrets/kafka-password}");
        }
        try {
            String text = Files.readString(p, StandardCharsets.UTF_8);
            if (text.endsWith("\r\n")) {
                return text.substring(0, text.length() - 2);
            }
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            throw new SecretReferenceException("${file:" + path + "}: cannot read the file ("
                    + e.getClass().getSimpleName() + "); mount it where the value is used (on every TaskManager too)");
        }
    }

    /** A reference that cannot be resolved; the message names the reference and the fix, never a secret. */
    public static final class SecretReferenceException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        SecretReferenceException(String message) {
            super(message);
        }
    }
}
