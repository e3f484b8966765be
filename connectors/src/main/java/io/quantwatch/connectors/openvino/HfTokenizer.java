package io.quantwatch.connectors.openvino;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/** A {@code tokenizer.json} (Hugging Face tokenizers, through DJL's bundled native library). */
public final class HfTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    public HfTokenizer(Path tokenizerJson) {
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + tokenizerJson, e);
        }
    }

    /** Token ids with the special tokens the tokenizer's post-processor adds (BOS for Llama-style models). */
    public int[] encode(String text) {
        Encoding e = tokenizer.encode(text, true, false);
        return Arrays.stream(e.getIds()).mapToInt(Math::toIntExact).toArray();
    }

    public String decode(int[] ids) {
        return tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), true);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
