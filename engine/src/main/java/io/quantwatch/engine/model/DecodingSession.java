package io.quantwatch.engine.model;

import io.quantwatch.engine.tokenizer.Tokenizer;

/**
 * One model's decoding state as greedy decoding, teacher forcing and the paired scorer drive it: the engine's own
 * {@link InferenceSession}, or another runtime's behind an adapter (llama.cpp). Logits arrays are reused by the next
 * call. Not thread-safe.
 */
public interface DecodingSession extends AutoCloseable {

    /** The tokenizer of the model's vocabulary (decides stops and the end of a generation). */
    Tokenizer tokenizer();

    int vocabSize();

    /** The most positions (prompt and answer) the session holds. */
    int capacity();

    /** The most tokens {@link #forwardBlock} takes. */
    int blockSize();

    /** Starts a new sequence. */
    void reset();

    /** Forgets every token from {@code newPosition} on; the next token fed goes there. */
    void rewind(int newPosition);

    /** Feeds one token; the next-token logits. */
    float[] forward(int token);

    /** Feeds {@code tokens[off, off + n)}; the logits after the last of them. */
    float[] prefill(int[] tokens, int off, int n);

    /** Feeds up to {@link #blockSize()} tokens; row t (at t × vocabulary) follows token off + t. */
    float[] forwardBlock(int[] tokens, int off, int n);

    @Override
    void close();
}
