package io.quantwatch.chat.jinja;

/**
 * A template that cannot be parsed or rendered. When the template itself raised ({@code raise_exception}, e.g. roles
 * out of order) the message is the template's own, as is.
 */
public final class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean raisedByTemplate;

    public TemplateException(String message) {
        this(message, false);
    }

    TemplateException(String message, boolean raisedByTemplate) {
        super(message);
        this.raisedByTemplate = raisedByTemplate;
    }

    /** Whether the template raised this itself with {@code raise_exception} (its message is then the template's). */
    public boolean raisedByTemplate() {
        return raisedByTemplate;
    }
}
