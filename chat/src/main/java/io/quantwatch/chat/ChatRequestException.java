package io.quantwatch.chat;

/** A chat request the monitor cannot use; the message names the field (as a path) and the fix. */
public final class ChatRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChatRequestException(String message) {
        super(message);
    }
}
