package io.quantwatch.engine.model;

import io.quantwatch.engine.tokenizer.ByteLevelBpeTrainer;
import java.util.ArrayList;
import java.util.List;

/**
 * A small GPT-2 style byte-level BPE vocabulary learned from a fixed multilingual text: two
 * control tokens, the 256 byte symbols, then the most frequent merges. For test and benchmark models.
 */
record ByteLevelBpeVocabulary(List<String> tokens, List<String> merges) {

    private static final String CORPUS = """
            The quick brown fox jumps over the lazy dog. {"tool": "get_weather", "arguments": {"city": "Zürich", "days": 3}}
            Once upon a time there was a little robot who wanted to translate every word it heard.
            Réponds en une phrase. Ответь одним предложением. 一句话回答。 😀 emoji and naïve café résumé
            def add(a, b): return a + b  # code identifiers like snake_case and camelCase and HTTPServer
            1 2 3 4 5 6 7 8 9 10 100 1000 3.14159 -42 true false null [1, 2, 3] <tag attr="x"/>
            """;

    static ByteLevelBpeVocabulary train(int size) {
        ByteLevelBpeTrainer.Result r =
                ByteLevelBpeTrainer.train(List.of(CORPUS.repeat(3)), size, List.of("<|bos|>", "<|eos|>"));
        List<String> tokens = new ArrayList<>(r.tokens());
        while (tokens.size() < size) {
            tokens.add("<|unused" + tokens.size() + "|>");
        }
        return new ByteLevelBpeVocabulary(List.copyOf(tokens), r.merges());
    }
}
