package io.quantwatch.job.config;

/** A configuration problem; the message names the field (as a YAML path) and how to fix it. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String field, String problem) {
        super(field + ": " + problem);
    }
}
