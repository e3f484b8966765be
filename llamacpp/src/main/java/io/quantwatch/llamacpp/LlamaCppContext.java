package io.quantwatch.llamacpp;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.Arrays;

/**
 * One llama.cpp decoding context (its KV cache) on a {@link LlamaCppModel}, for one thread at a time: greedy decoding,
 * and teacher-forced logits of a given answer in batched passes. A deadline stops a running decode through llama.cpp's
 * abort callback.
 */
public final class LlamaCppContext implements AutoCloseable {

    /**
     * How a context is made. {@code f32Cache}: the KV cache in F32 (what the engine computes; llama.cpp's default is
     * F16, which changes greedy answers); {@code flashAttention} off computes attention as the engine does.
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

    /** A greedy answer: its tokens (the end-of-generation token, when one came, included last). */
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
    private volatile long deadlineNanos = Long.MAX_VALUE;
    // Strongly held while the context lives: llama.cpp keeps the function pointer.
    private final LlamaLibrary.AbortCallback abort = data -> System.nanoTime() > deadlineNanos ? (byte) 1 : (byte) 0;
    private boolean abortInstalled;

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

    /** Stops any decode still running at {@code nanoTime} (System.nanoTime); Long.MAX_VALUE for none. */
    public void deadline(long nanoTime) {
        deadlineNanos = nanoTime;
        boolean wanted = nanoTime != Long.MAX_VALUE;
        if (wanted != abortInstalled) {
            // Installed only while a deadline is set: llama.cpp asks it after every graph node.
            llama.llama_set_abort_callback(requireOpen(), wanted ? abort : null, null);
            abortInstalled = wanted;
        }
    }

    public void threads(int threads) {
        llama.llama_set_n_threads(requireOpen(), threads, threads);
    }

    /**
     * Greedy decoding after the prompt, at most {@code maxTokens}: each step takes the highest logit (the lowest id
     * among equals, as llama.cpp's greedy sampler does) and stops after an end-of-generation token.
     */
    public GreedyAnswer greedy(int[] prompt, int maxTokens) {
        requirePrompt(prompt);
        requireRoom(prompt.length + maxTokens);
        llama.llama_memory_clear(memory, (byte) 1);
        long start = System.nanoTime();
        for (int from = 0; from < prompt.length; from += batchSize) {
            int count = Math.min(batchSize, prompt.length - from);
            boolean last = from + count == prompt.length;
            evaluate(Arrays.copyOfRange(prompt, from, from + count), from, count, last ? count - 1 : count);
        }
        long prefilled = System.nanoTime();
        int[] out = new int[maxTokens];
        int n = 0;
        boolean ended = false;
        while (n < maxTokens) {
            readRow(batch.lastOutputIndex());
            int next = argmax(row);
            out[n++] = next;
            if (model.isEndOfGeneration(next)) {
                ended = true;
                break;
            }
            if (n < maxTokens) {
                evaluate(new int[] {next}, prompt.length + n - 1, 1, 0);
            }
        }
        return new GreedyAnswer(Arrays.copyOf(out, n), ended, prefilled - start, System.nanoTime() - prefilled);
    }

    /**
     * The logits that predict each token of {@code answer} after {@code prompt} and the answer's earlier tokens (row
     * {@code i} predicts {@code answer[i]}), computed in batches of the context's batch size.
     */
    public void teacherForced(int[] prompt, int[] answer, LogitsRow rows) {
        requirePrompt(prompt);
        requireRoom(prompt.length + answer.length);
        llama.llama_memory_clear(memory, (byte) 1);
        int[] all = Arrays.copyOf(prompt, prompt.length + answer.length);
        System.arraycopy(answer, 0, all, prompt.length, answer.length);
        // Positions prompt.length - 1 .. all.length - 2 predict the answer; the last answer token predicts nothing.
        int firstOutput = prompt.length - 1;
        int end = answer.length == 0 ? prompt.length : all.length - 1;
        for (int from = 0; from < end; from += batchSize) {
            int count = Math.min(batchSize, end - from);
            int outputsFrom = Math.max(0, firstOutput - from);
            evaluate(Arrays.copyOfRange(all, from, from + count), from, count, outputsFrom);
            for (int i = outputsFrom; i < count; i++) {
                readRow(i);
                rows.accept(from + i - firstOutput, row);
            }
        }
    }

    /**
     * Feeds tokens at positions from {@code firstPosition}; the tokens from index {@code outputsFrom} on get logits
     * (none when it is {@code count}).
     */
    private void evaluate(int[] tokens, int firstPosition, int count, int outputsFrom) {
        batch.fill(tokens, firstPosition, count, outputsFrom);
        int status = llama.llama_decode(requireOpen(), batch.value);
        if (status == DECODE_ABORTED) {
            throw new LlamaCppAbortedException("llama.cpp decode stopped at its deadline");
        }
        if (status != 0) {
            throw new LlamaCppException(
                    "llama_decode returned " + status + " for " + count + " tokens: " + LlamaNatives.drainLog());
        }
    }

    private void readRow(int outputIndex) {
        Pointer logits = llama.llama_get_logits_ith(context, outputIndex);
        if (logits == null) {
            throw new LlamaCppException("llama.cpp has no logits for output " + outputIndex);
        }
        logits.read(0, row, 0, vocabularySize);
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
        for (int t : prompt) {
            if (t < 0 || t >= vocabularySize) {
                throw new IllegalArgumentException("token id " + t + " is outside the vocabulary of " + vocabularySize);
            }
        }
    }

    private void requireRoom(int tokens) {
        if (tokens > settings.contextSize()) {
            throw new IllegalArgumentException(tokens + " tokens do not fit the context of " + settings.contextSize()
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
        private int lastOutput;

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

        void fill(int[] ids, int firstPosition, int count, int outputsFrom) {
            tokens.write(0, ids, 0, count);
            for (int i = 0; i < count; i++) {
                positions.setInt(4L * i, firstPosition + i);
                outputs.setByte(i, (byte) (i >= outputsFrom ? 1 : 0));
            }
            value.n_tokens = count;
            lastOutput = count - 1;
        }

        int lastOutputIndex() {
            return lastOutput;
        }
    }
}
