package io.quantwatch.engine.model;

import io.quantwatch.engine.tokenizer.ByteLevelBpeTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        List<String> tokens = new ArrayList<>(List.of("<|bos|>", "<|eos|>"));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteLevelBpeTokenizer.byteToChar(b)));
        }
        List<List<String>> words = new ArrayList<>();
        Matcher m = Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
                Pattern.UNICODE_CHARACTER_CLASS).matcher(CORPUS.repeat(3));
        while (m.find()) {
            List<String> symbols = new ArrayList<>();
            for (byte b : m.group().getBytes(StandardCharsets.UTF_8)) {
                symbols.add(String.valueOf(ByteLevelBpeTokenizer.byteToChar(b)));
            }
            words.add(symbols);
        }
        List<String> merges = new ArrayList<>();
        while (tokens.size() < size) {
            Map<String, Integer> counts = new HashMap<>();
            String best = null;
            for (List<String> w : words) {
                for (int i = 0; i + 1 < w.size(); i++) {
                    String pair = w.get(i) + " " + w.get(i + 1);
                    int c = counts.merge(pair, 1, Integer::sum);
                    if (best == null || c > counts.get(best) || (c == counts.get(best) && pair.compareTo(best) < 0)) {
                        best = pair;
                    }
                }
            }
            if (best == null) {
                break;
            }
            String[] parts = best.split(" ", 2);
            String merged = parts[0] + parts[1];
            merges.add(best);
            if (!tokens.contains(merged)) {
                tokens.add(merged);
            }
            for (List<String> w : words) {
                for (int i = 0; i + 1 < w.size(); i++) {
                    if (w.get(i).equals(parts[0]) && w.get(i + 1).equals(parts[1])) {
                        w.set(i, merged);
                        w.remove(i + 1);
                    }
                }
            }
        }
        while (tokens.size() < size) {
            tokens.add("<|unused" + tokens.size() + "|>");
        }
        return new ByteLevelBpeVocabulary(List.copyOf(tokens), List.copyOf(merges));
    }
}
