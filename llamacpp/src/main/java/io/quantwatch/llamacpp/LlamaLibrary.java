package io.quantwatch.llamacpp;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * The subset of the bundled build's {@code llama.h} the binding calls, as a JNA interface. C {@code bool} parameters
 * and results are {@code byte}s (a {@code bool} result defines only its low byte); {@code size_t} is {@code long}
 * (64-bit Linux). Callers go through {@link LlamaCppModel} and {@link LlamaCppContext}, which free what they create.
 */
public interface LlamaLibrary extends Library {

    /** {@code ggml_log_callback}: every line llama.cpp and ggml log. */
    interface LogCallback extends Callback {
        void invoke(int level, String text, Pointer userData);
    }

    /** {@code ggml_abort_callback}: asked between graph nodes on the calling thread; true stops the decode. */
    interface AbortCallback extends Callback {
        byte invoke(Pointer data);
    }

    void llama_backend_init();

    String llama_print_system_info();

    void llama_log_set(LogCallback callback, Pointer userData);

    LlamaModelParams.ByValue llama_model_default_params();

    LlamaContextParams.ByValue llama_context_default_params();

    Pointer llama_model_load_from_file(String path, LlamaModelParams.ByValue params);

    LlamaQuantizeParams.ByValue llama_model_quantize_default_params();

    /** 0 on success. */
    int llama_model_quantize(String input, String output, LlamaQuantizeParams.ByReference params);

    void llama_model_free(Pointer model);

    int llama_model_meta_val_str(Pointer model, String key, byte[] buf, long bufSize);

    int llama_model_n_layer(Pointer model);

    int llama_model_n_embd(Pointer model);

    Pointer llama_model_get_vocab(Pointer model);

    Pointer llama_init_from_model(Pointer model, LlamaContextParams.ByValue params);

    void llama_free(Pointer context);

    int llama_n_ctx(Pointer context);

    int llama_n_batch(Pointer context);

    void llama_set_n_threads(Pointer context, int threads, int batchThreads);

    void llama_set_abort_callback(Pointer context, AbortCallback callback, Pointer data);

    Pointer llama_get_memory(Pointer context);

    void llama_memory_clear(Pointer memory, byte data);

    /** Removes sequence {@code seq}'s positions [p0, p1) from the cache (p1 &lt; 0: to the end). */
    byte llama_memory_seq_rm(Pointer memory, int seq, int p0, int p1);

    int llama_decode(Pointer context, LlamaBatch.ByValue batch);

    Pointer llama_get_logits_ith(Pointer context, int i);

    int llama_vocab_n_tokens(Pointer vocab);

    int llama_vocab_type(Pointer vocab);

    int llama_vocab_bos(Pointer vocab);

    int llama_vocab_eos(Pointer vocab);

    int llama_vocab_get_attr(Pointer vocab, int token);

    byte llama_vocab_is_eog(Pointer vocab, int token);

    int llama_tokenize(
            Pointer vocab,
            byte[] text,
            int textLength,
            int[] tokens,
            int maxTokens,
            byte addSpecial,
            byte parseSpecial);

    int llama_token_to_piece(Pointer vocab, int token, byte[] buf, int length, int lstrip, byte special);
}
