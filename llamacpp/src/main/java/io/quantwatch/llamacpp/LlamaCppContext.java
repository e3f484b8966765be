package io.quantwatch.llamacpp;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.Arrays;

/**
 * One llama.cpp decoding context (its KV cache) on a {@link LlamaCppModel}, for one thread at a time. Tokens are fed one
 * at a time ({@link #forward}), as a prompt ({@link #prefill}) or as a block whose every position gets logits
 * ({@link #forwardBlock}: teacher forcing); {@link #rewind} drops positions from the cache. A decode stops when the
 * calling thread is interrupted or its deadline passes, through llama.cpp's abort callback.
 */
public final class LlamaCppContext implements AutoCloseable {

    /**
     * How a context is made. {@code f32Cache}: the KV cache in F32 (what the engine computes; llama.cpp's default is
     * F16, which changes greedy answers); {@code flashAttention}: llama.cpp's automatic choice, else off (computed as
     * the engine does).
     */
    public record Settings(int contextSize, int batchSize, int threads, boolean f32Cache, boolean flashAttention) {
        public Settings {
            if (contextSize < 1 || batchSize < 1 || threads < 1) {
                throw new IllegalArgumentException("contextSize, batchSize and threads must be positive: " + contextSize
                        + ", " + batchSize + ", " + threads);
            }
        }

        /** Computed as the engine computes: F32 cache, no flash attention. */
        public static Settings exact(int contextSize, int threads) {
            return new Settings(contextSize, Math.min(contextSize, 512), threads, true, false);
        }
    }

    /** Receives the logits of one position; the array is reused after the call returns. */
    @FunctionalInterface
    public interface LogitsRow {
        void accept(int position, float[] logits);
    }

    /**
     * A greedy answer: its tokens, without the end-of-generation token that stopped it ({@code ended}), as the engine
     * reports answers.
     */
    public record GreedyAnswer(int[] tokens, boolean ended, long prefillNanos, long decodeNanos) {}

    private static final int GGML_TYPE_F32 = 0;
    private static final int DECODE_ABORTED = 2;

    private final LlamaLibrary llama;
    private final LlamaCppModel model;
    private final Settings settings;
    private final int vocabularySize;
    private final int batchSize;
    private Pointer context;
    private final Pointer memory;
    private final BatchBuffers batch;
    private final float[] row;
    private float[] blockRows;
    private int position;
    private volatile long deadlineNanos = Long.MAX_VALUE;
    // Strongly held while the context lives: llama.cpp keeps the function pointer. Asked after every graph node on the
    // thread that called llama_decode (ggml's thread 0 is the caller).
    private final LlamaLibrary.AbortCallback abort =
            data -> Thread.currentThread().isInterrupted() || System.nanoTime() > deadlineNanos ? (byte) 1 : (byte) 0;

    private LlamaCppContext(LlamaLibrary llama, LlamaCppModel model, Settings settings, Pointer context) {
        this.llama = llama;
        this.model = model;
        this.settings = settings;
        this.context = context;
        this.vocabularySize = model.vocabularySize();
        this.batchSize = llama.llama_n_batch(context);
        this.memory = llama.llama_get_memory(context);
        this.batch = new BatchBuffers(batchSize);
        this.row = new float[vocabularySize];
        llama.llama_set_abort_callback(context, abort, null);
    }

    static LlamaCppContext create(LlamaLibrary llama, LlamaCppModel model, Settings settings) {
        LlamaContextParams.ByValue params = llama.llama_context_default_params();
        params.n_ctx = settings.contextSize();
        params.n_batch = settings.batchSize();
        params.n_ubatch = settings.batchSize();
        params.n_seq_max = 1;
        params.n_threads = settings.threads();
        params.n_threads_batch = settings.threads();
        params.no_perf = 1;
        params.flash_attn_type = settings.flashAttention() ? -1 : LlamaContextParams.FLASH_ATTN_DISABLED;
        if (settings.f32Cache()) {
            params.type_k = GGML_TYPE_F32;
            params.type_v = GGML_TYPE_F32;
        }
        LlamaNatives.drainLog();
        Pointer context = llama.llama_init_from_model(model.pointer(), params);
        if (context == null) {
            throw new LlamaCppException(
                    "llama.cpp could not make a context for " + model.file() + ": " + LlamaNatives.drainLog());
        }
        return new LlamaCppContext(llama, model, settings, context);
    }

    public Settings settings() {
        return settings;
    }

    public LlamaCppModel model() {
        return model;
    }

    /** Positions the context holds: prompt and answer together. */
    public int capacity() {
        return settings.contextSize();
    }

    /** The most tokens one {@link #forwardBlock} takes. */
    public int blockSize() {
        return batchSize;
    }

    /** Tokens fed since the last reset. */
    public int position() {
        return position;
    }

    /** Stops any decode still running at {@code nanoTime} (System.nanoTime); Long.MAX_VALUE for none. */
    public void deadline(long nanoTime) {
        deadlineNanos = nanoTime;
    }

    public void threads(int threads) {
        llama.llama_set_n_threads(requireOpen(), threads, threads);
    }

    /** Starts a new sequence: the cache is emptied. */
    public void reset() {
        llama.llama_memory_clear(memory, (byte) 1);
        position = 0;
    }

    /** Forgets every token from {@code newPosition} on; the next token fed goes there. */
    public void rewind(int newPosition) {
        if (newPosition < 0 || newPosition > position) {
            throw new IllegalArgumentException("cannot rewind to " + newPosition + " from position " + position);
        }
        if (llama.llama_memory_seq_rm(memory, 0, newPosition, -1) == 0) {
            throw new LlamaCppException("llama.cpp could not drop positions from " + newPosition + " on");
        }
        position = newPosition;
    }

    /** Feeds one token at the next position; its next-token logits (the array is reused). */
    public float[] forward(int token) {
        requireToken(token);
        requireRoom(1);
        evaluate(new int[] {token}, 0, 1, 0);
        readRow(0, row, 0);
        return row;
    }

    /** Feeds {@code tokens[off, off + n)} in batches; the logits after the last of them (the array is reused). */
    public float[] prefill(int[] tokens, int off, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("prefill needs at least one token, got " + n);
        }
        requireTokens(tokens, off, n);
        requireRoom(n);
        for (int done = 0; done < n; ) {
            int count = Math.min(batchSize, n - done);
            boolean last = done + count == n;
            evaluate(tokens, off + done, count, last ? count - 1 : count);
            done += count;
            if (last) {
                readRow(count - 1, row, 0);
            }
        }
        return row;
    }

    /**
     * Feeds up to {@link #blockSize()} tokens and returns the next-token logits after each (row t at t × vocabulary;
     * the array is reused).
     */
    public float[] forwardBlock(int[] tokens, int off, int n) {
        if (n < 1 || n > batchSize) {
            throw new IllegalArgumentException("a block holds 1 to " + batchSize + " tokens, got " + n);
        }
        requireTokens(tokens, off, n);
        requireRoom(n);
        if (blockRows == null) {
            blockRows = new float[Math.multiplyExact(batchSize, vocabularySize)];
        }
        evaluate(tokens, off, n, 0);
        for (int i = 0; i < n; i++) {
            readRow(i, blockRows, i * vocabularySize);
        }
        return blockRows;
    }

    /**
     * Greedy decoding after the prompt, at most {@code maxTokens}: each step takes the highest logit (the lowest id
     * among equals, as llama.cpp's greedy sampler does) and stops after an end-of-generation token.
     */
    public GreedyAnswer greedy(int[] prompt, int maxTokens) {
        requirePrompt(prompt);
        if (prompt.length + maxTokens > capacity()) {
            throw new IllegalArgumentException((prompt.length + maxTokens) + " tokens do not fit the context of "
                    + capacity() + ": raise the context size");
        }
        reset();
        long start = System.nanoTime();
        float[] logits = prefill(prompt, 0, prompt.length);
        long prefilled = System.nanoTime();
        int[] out = new int[maxTokens];
        int n = 0;
        boolean ended = false;
        while (n < maxTokens) {
            int next = argmax(logits);
            if (model.isEndOfGeneration(next)) {
                ended = true;
                break;
            }
            out[n++] = next;
            if (n < maxTokens) {
                logits = forward(next);
            }
        }
        return new GreedyAnswer(Arrays.copyOf(out, n), ended, prefilled - start, System.nanoTime() - prefilled);
    }

    /**
     * The logits that predict each token of {@code answer} after {@code prompt} and the answer's earlier tokens (row
     * {@code i} predicts {@code answer[i]}), computed in blocks of the context's batch size.
     */
    public void teacherForced(int[] prompt, int[] answer, LogitsRow rows) {
        requirePrompt(prompt);
        if (prompt.length + answer.length > capacity()) {
            throw new IllegalArgumentException((prompt.length + answer.length) + " tokens do not fit the context of "
                    + capacity() + ": raise the context size");
        }
        reset();
        if (answer.length == 0) {
            return;
        }
        int[] all = Arrays.copyOf(prompt, prompt.length + answer.length);
        System.arraycopy(answer, 0, all, prompt.length, answer.length);
        if (prompt.length > 1) {
            prefill(all, 0, prompt.length - 1);
        }
        // Position i's logits follow all[prompt.length - 1 + i]: the last prompt token, then the answer but its last.
        for (int i = 0; i < answer.length; i += batchSize) {
            int m = Math.min(batchSize, answer.length - i);
            float[] block = forwardBlock(all, prompt.length - 1 + i, m);
            for (int j = 0; j < m; j++) {
                System.arraycopy(block, j * vocabularySize, row, 0, vocabularySize);
                rows.accept(i + j, row);
            }
        }
    }

    /** Feeds tokens[off, off + count) at the next positions; the tokens from index {@code outputsFrom} get logits. */
    private void evaluate(int[] tokens, int off, int count, int outputsFrom) {
        batch.fill(tokens, off, position, count, outputsFrom);
        int status = llama.llama_decode(requireOpen(), batch.value);
        if (status == DECODE_ABORTED) {
            // llama.cpp keeps what it computed before the abort: the sequence is no longer well defined.
            reset();
            throw new LlamaCppAbortedException(
                    Thread.currentThread().isInterrupted()
                            ? "llama.cpp decode stopped: the thread was interrupted (deadline passed)"
                            : "llama.cpp decode stopped at its deadline");
        }
        if (status != 0) {
            throw new LlamaCppException(
                    "llama_decode returned " + status + " for " + count + " tokens: " + LlamaNatives.drainLog());
        }
        position += count;
    }

    private void readRow(int batchIndex, float[] into, int at) {
        Pointer logits = llama.llama_get_logits_ith(context, batchIndex);
        if (logits == null) {
            throw new LlamaCppException("llama.cpp has no logits for batch index " + batchIndex);
        }
        logits.read(0, into, at, vocabularySize);
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private void requirePrompt(int[] prompt) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens: llama.cpp needs at least one (a BOS)");
        }
    }

    private void requireTokens(int[] tokens, int off, int n) {
        for (int i = off; i < off + n; i++) {
            requireToken(tokens[i]);
        }
    }

    private void requireToken(int t) {
        if (t < 0 || t >= vocabularySize) {
            throw new IllegalArgumentException("token id " + t + " is outside the vocabulary of " + vocabularySize);
        }
    }

    private void requireRoom(int tokens) {
        if (position + tokens > capacity()) {
            throw new IllegalArgumentException((position + tokens) + " tokens do not fit the context of " + capacity()
                    + ": raise the context size");
        }
    }

    private Pointer requireOpen() {
        if (context == null) {
            throw new IllegalStateException("the llama.cpp context is closed");
        }
        return context;
    }

    @Override
    public void close() {
        if (context != null) {
            llama.llama_free(context);
            context = null;
        }
    }

    /** The native arrays of one llama_batch, allocated once for the batch size and refilled per call. */
    private static final class BatchBuffers {
        final LlamaBatch.ByValue value = new LlamaBatch.ByValue();
        final Memory tokens;
        final Memory positions;
        final Memory seqCounts;
        final Memory seqIds;
        final Memory seqZero;
        final Memory outputs;

        BatchBuffers(int capacity) {
            tokens = new Memory(4L * capacity);
            positions = new Memory(4L * capacity);
            seqCounts = new Memory(4L * capacity);
            seqIds = new Memory((long) Native.POINTER_SIZE * capacity);
            seqZero = new Memory(4);
            seqZero.setInt(0, 0);
            outputs = new Memory(capacity);
            for (int i = 0; i < capacity; i++) {
                seqCounts.setInt(4L * i, 1);
                seqIds.setPointer((long) Native.POINTER_SIZE * i, seqZero);
            }
            value.token = tokens;
            value.pos = positions;
            value.n_seq_id = seqCounts;
            value.seq_id = seqIds;
            value.logits = outputs;
        }

        void fill(int[] ids, int off, int firstPosition, int count, int outputsFrom) {
            tokens.write(0, ids, off, count);
            for (int i = 0; i < count; i++) {
                positions.setInt(4L * i, firstPosition + i);
                outputs.setByte(i, (byte) (i >= outputsFrom ? 1 : 0));
            }
            value.n_tokens = count;
        }
    }
}
