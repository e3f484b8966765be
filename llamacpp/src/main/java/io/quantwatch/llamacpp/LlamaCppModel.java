package io.quantwatch.llamacpp;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A GGUF file loaded by the bundled llama.cpp: its vocabulary (tokenize, pieces, end-of-generation tokens) and, unless
 * loaded for the vocabulary only, its weights, from which {@link #newContext} makes decoding contexts. Thread-safe for
 * tokenization; one context per thread for decoding.
 */
public final class LlamaCppModel implements AutoCloseable {
    /** {@code llama_token_attr} bits. */
    public static final int ATTR_CONTROL = 1 << 3;

    public static final int ATTR_USER_DEFINED = 1 << 4;

    private final LlamaLibrary llama;
    private final Path file;
    private Pointer model;
    private final Pointer vocab;
    private final int vocabularySize;
    private final boolean vocabularyOnly;

    private LlamaCppModel(LlamaLibrary llama, Path file, Pointer model, boolean vocabularyOnly) {
        this.llama = llama;
        this.file = file;
        this.model = model;
        this.vocabularyOnly = vocabularyOnly;
        this.vocab = llama.llama_model_get_vocab(model);
        this.vocabularySize = llama.llama_vocab_n_tokens(vocab);
    }

    /** Loads the whole model (memory-mapped). */
    public static LlamaCppModel load(Path gguf) {
        return load(gguf, false);
    }

    /** Loads only the vocabulary: tokenization without the weights' memory. */
    public static LlamaCppModel loadVocabulary(Path gguf) {
        return load(gguf, true);
    }

    private static LlamaCppModel load(Path gguf, boolean vocabOnly) {
        if (!Files.isRegularFile(gguf)) {
            throw new LlamaCppException("no GGUF file at " + gguf);
        }
        LlamaNatives natives = LlamaNatives.get();
        LlamaLibrary llama = natives.library();
        LlamaModelParams.ByValue params = llama.llama_model_default_params();
        params.vocab_only = (byte) (vocabOnly ? 1 : 0);
        params.load_mode = LlamaModelParams.LOAD_MODE_MMAP;
        params.n_gpu_layers = 0;
        LlamaNatives.drainLog();
        Pointer model = llama.llama_model_load_from_file(gguf.toAbsolutePath().toString(), params);
        if (model == null) {
            throw new LlamaCppException(
                    "llama.cpp " + LlamaNatives.LLAMA_CPP_COMMIT + " refused " + gguf + ": " + LlamaNatives.drainLog());
        }
        return new LlamaCppModel(llama, gguf, model, vocabOnly);
    }

    public Path file() {
        return file;
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    public int bos() {
        return llama.llama_vocab_bos(vocab);
    }

    public int eos() {
        return llama.llama_vocab_eos(vocab);
    }

    /** True for every token that ends a generation (EOS, EOT, end-of-turn tokens the vocabulary marks). */
    public boolean isEndOfGeneration(int token) {
        return llama.llama_vocab_is_eog(vocab, token) != 0;
    }

    /** The token's {@code llama_token_attr} bits. */
    public int attributes(int token) {
        return llama.llama_vocab_get_attr(vocab, token);
    }

    public int layers() {
        return llama.llama_model_n_layer(model);
    }

    /** A GGUF metadata value as llama.cpp prints it, or null when the file does not have the key. */
    public String metadata(String key) {
        byte[] buf = new byte[256];
        int n = llama.llama_model_meta_val_str(model, key, buf, buf.length);
        if (n < 0) {
            return null;
        }
        if (n >= buf.length) {
            buf = new byte[n + 1];
            n = llama.llama_model_meta_val_str(model, key, buf, buf.length);
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Token ids of a text as llama.cpp tokenizes it. {@code addSpecial}: BOS (and EOS) where the vocabulary asks for
     * them; {@code parseSpecial}: text spelling a control token becomes that token. User-defined tokens are cut out
     * of the text either way, as llama.cpp does.
     */
    public int[] tokenize(byte[] text, boolean addSpecial, boolean parseSpecial) {
        int[] tokens = new int[text.length + 8];
        int n = llama.llama_tokenize(
                vocab, text, text.length, tokens, tokens.length, flag(addSpecial), flag(parseSpecial));
        if (n == Integer.MIN_VALUE) {
            throw new LlamaCppException("llama.cpp cannot tokenize a text of " + text.length + " bytes (overflow)");
        }
        if (n < 0) {
            tokens = new int[-n];
            n = llama.llama_tokenize(
                    vocab, text, text.length, tokens, tokens.length, flag(addSpecial), flag(parseSpecial));
        }
        return n == tokens.length ? tokens : Arrays.copyOf(tokens, n);
    }

    /** The bytes a token contributes to the text; control tokens only when {@code special}. */
    public byte[] piece(int token, boolean special) {
        byte[] buf = new byte[64];
        int n = llama.llama_token_to_piece(vocab, token, buf, buf.length, 0, flag(special));
        if (n < 0) {
            buf = new byte[-n];
            n = llama.llama_token_to_piece(vocab, token, buf, buf.length, 0, flag(special));
        }
        return Arrays.copyOf(buf, n);
    }

    /** A decoding context on this model; close it before the model. */
    public LlamaCppContext newContext(LlamaCppContext.Settings settings) {
        requireWeights();
        return LlamaCppContext.create(llama, this, settings);
    }

    Pointer pointer() {
        requireOpen();
        return model;
    }

    private void requireWeights() {
        requireOpen();
        if (vocabularyOnly) {
            throw new IllegalStateException(
                    file + " was loaded for its vocabulary only: load it with load() to decode");
        }
    }

    private void requireOpen() {
        if (model == null) {
            throw new IllegalStateException("the llama.cpp model " + file + " is closed");
        }
    }

    static byte flag(boolean b) {
        return (byte) (b ? 1 : 0);
    }

    @Override
    public synchronized void close() {
        if (model != null) {
            llama.llama_model_free(model);
            model = null;
        }
    }
}
