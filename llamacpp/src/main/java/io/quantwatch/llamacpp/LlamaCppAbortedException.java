package io.quantwatch.llamacpp;

/** A decode stopped by its deadline through llama.cpp's abort callback; the context is usable afterwards. */
public final class LlamaCppAbortedException extends LlamaCppException {
    public LlamaCppAbortedException(String message) {
        super(message);
    }
}
