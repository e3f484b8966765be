package io.quantwatch.llamacpp;

/** llama.cpp refused or failed a call; the message says what llama.cpp logged, where it logged anything. */
public class LlamaCppException extends RuntimeException {
    public LlamaCppException(String message) {
        super(message);
    }
}
