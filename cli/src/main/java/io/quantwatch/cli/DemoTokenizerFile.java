package io.quantwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantwatch.engine.tokenizer.ByteLevelBpeTokenizer;
import io.quantwatch.engine.tokenizer.Tokenizer;
import io.quantwatch.engine.tokenizer.Vocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo model's learned tokenizer as a small JSON file between the build steps: tokens in id
 * order, BPE merges by rank, and the ids of BOS and EOS (the first two tokens, both control tokens).
 */
record DemoTokenizerFile(List<String> tokens, List<String> merges, int bos, int eos) {
    static final String PRE_TOKENIZER = "gpt-2";

    Tokenizer tokenizer() {
        Vocabulary v = new Vocabulary(
                tokens.toArray(new String[0]), new float[tokens.size()], tokenTypes(), bos, eos, -1, true);
        return new ByteLevelBpeTokenizer(v, merges, PRE_TOKENIZER);
    }

    int[] tokenTypes() {
        int[] types = new int[tokens.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = i == bos || i == eos ? Vocabulary.CONTROL : Vocabulary.NORMAL;
        }
        return types;
    }

    void write(Path file) {
        try {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static DemoTokenizerFile read(Path file) {
        try {
            return new ObjectMapper().readValue(file.toFile(), DemoTokenizerFile.class);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the tokenizer file " + file + " (run 'quantwatch model prepare' first)", e);
        }
    }
}
