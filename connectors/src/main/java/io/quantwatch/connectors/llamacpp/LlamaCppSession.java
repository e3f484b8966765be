package io.quantwatch.connectors.llamacpp;

import io.quantwatch.engine.model.DecodingSession;
import io.quantwatch.engine.tokenizer.Tokenizer;
import io.quantwatch.llamacpp.LlamaCppAbortedException;
import io.quantwatch.llamacpp.LlamaCppContext;
import java.util.concurrent.CancellationException;

/**
 * A llama.cpp context as a {@link DecodingSession}: the engine's greedy decoder, teacher forcing and verified decoding
 * drive llama.cpp exactly as they drive the engine. The tokenizer is the engine's of the same vocabulary (checked
 * equal to the GGUF's when the pair is built). A stopped decode surfaces as the engine's does, a
 * {@link CancellationException}.
 */
final class LlamaCppSession implements DecodingSession {
    private final LlamaCppContext context;
    private final Tokenizer tokenizer;

    LlamaCppSession(LlamaCppContext context, Tokenizer tokenizer) {
        this.context = context;
        this.tokenizer = tokenizer;
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public int vocabSize() {
        return context.model().vocabularySize();
    }

    @Override
    public int capacity() {
        return context.capacity();
    }

    @Override
    public int blockSize() {
        return context.blockSize();
    }

    @Override
    public void reset() {
        context.reset();
    }

    @Override
    public void rewind(int newPosition) {
        context.rewind(newPosition);
    }

    @Override
    public float[] forward(int token) {
        try {
            return context.forward(token);
        } catch (LlamaCppAbortedException e) {
            throw cancelled(e);
        }
    }

    @Override
    public float[] prefill(int[] tokens, int off, int n) {
        try {
            return context.prefill(tokens, off, n);
        } catch (LlamaCppAbortedException e) {
            throw cancelled(e);
        }
    }

    @Override
    public float[] forwardBlock(int[] tokens, int off, int n) {
        try {
            return context.forwardBlock(tokens, off, n);
        } catch (LlamaCppAbortedException e) {
            throw cancelled(e);
        }
    }

    private static CancellationException cancelled(LlamaCppAbortedException e) {
        CancellationException c = new CancellationException(e.getMessage());
        c.initCause(e);
        return c;
    }

    @Override
    public void close() {
        context.close();
    }
}
