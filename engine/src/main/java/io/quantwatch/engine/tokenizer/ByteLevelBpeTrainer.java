package io.quantwatch.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Learns a GPT-2 style byte-level BPE vocabulary: special tokens first, then the 256 byte symbols,
 * then merges of the most frequent adjacent pair (ties: the pair whose text sorts first) within
 * words of the {@code gpt-2} pre-tokenizer, until the vocabulary is full.
 */
public final class ByteLevelBpeTrainer {
    private static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    /** The learned vocabulary (ids in list order) and merges ("left right", by rank). */
    public record Result(List<String> tokens, List<String> merges) {}

    private ByteLevelBpeTrainer() {}

    public static Result train(Iterable<String> texts, int vocabSize, List<String> specialTokens) {
        Map<String, Integer> wordCounts = new HashMap<>();
        for (String text : texts) {
            Matcher m = GPT2.matcher(text);
            while (m.find()) {
                wordCounts.merge(m.group(), 1, Integer::sum);
            }
        }
        List<String> tokens = new ArrayList<>(specialTokens);
        Map<String, Integer> ids = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            String s = String.valueOf(ByteLevelBpeTokenizer.byteToChar(b));
            ids.put(s, tokens.size());
            tokens.add(s);
        }
        List<int[]> words = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
            byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] symbols = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                symbols[i] = ids.get(String.valueOf(ByteLevelBpeTokenizer.byteToChar(bytes[i])));
            }
            words.add(symbols);
            counts.add(e.getValue());
        }
        List<String> merges = new ArrayList<>();
        while (tokens.size() < vocabSize) {
            Map<Long, Long> pairCounts = new LinkedHashMap<>();
            for (int w = 0; w < words.size(); w++) {
                int[] s = words.get(w);
                for (int i = 0; i + 1 < s.length; i++) {
                    pairCounts.merge(((long) s[i] << 32) | s[i + 1], (long) counts.get(w), Long::sum);
                }
            }
            long best = -1;
            long bestCount = 0;
            String bestText = null;
            for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
                long c = e.getValue();
                if (c < bestCount) {
                    continue;
                }
                String text = tokens.get((int) (e.getKey() >>> 32)) + " " + tokens.get((int) (long) e.getKey());
                if (c > bestCount || text.compareTo(bestText) < 0) {
                    best = e.getKey();
                    bestCount = c;
                    bestText = text;
                }
            }
            if (best < 0 || bestCount < 2) {
                break; // nothing left worth merging
            }
            int left = (int) (best >>> 32);
            int right = (int) best;
            String merged = tokens.get(left) + tokens.get(right);
            int id = ids.computeIfAbsent(merged, k -> {
                tokens.add(k);
                return tokens.size() - 1;
            });
            merges.add(bestText);
            for (int w = 0; w < words.size(); w++) {
                words.set(w, replacePair(words.get(w), left, right, id));
            }
        }
        return new Result(List.copyOf(tokens), List.copyOf(merges));
    }

    private static int[] replacePair(int[] s, int left, int right, int id) {
        int n = 0;
        int[] out = null;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                if (out == null) {
                    out = Arrays.copyOf(s, s.length);
                    n = i;
                }
                out[n++] = id;
                i++;
            } else if (out != null) {
                out[n++] = s[i];
            }
        }
        return out == null ? s : Arrays.copyOf(out, n);
    }
}
