package io.quantwatch.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The merge loop shared by SentencePiece and BPE: symbols in a linked list, candidate pairs in a
 * priority queue, best pair merged first (ties: leftmost), stale pairs skipped — the same
 * procedure llama.cpp uses, so both produce identical segmentations.
 */
final class SymbolMerger {

    /** Ranks a candidate merge; lower is better, null when the pair must not merge. */
    interface PairRank {
        Double rank(String merged, String left, String right);
    }

    private record Candidate(int left, int right, double rank, int size) {}

    private SymbolMerger() {}

    /** Merges the given initial symbols and returns the final symbols in order. */
    static List<String> merge(List<String> initial, PairRank pairRank) {
        int n = initial.size();
        String[] text = initial.toArray(new String[0]);
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>(
                (a, b) -> a.rank != b.rank ? Double.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, text, i, i + 1, pairRank);
        }
        while (!queue.isEmpty()) {
            Candidate c = queue.poll();
            if (text[c.left] == null
                    || text[c.right] == null
                    || next[c.left] != c.right
                    || text[c.left].length() + text[c.right].length() != c.size) {
                continue; // one side was merged into something else since this pair was queued
            }
            text[c.left] = text[c.left] + text[c.right];
            text[c.right] = null;
            next[c.left] = next[c.right];
            if (next[c.right] >= 0) {
                prev[next[c.right]] = c.left;
            }
            if (prev[c.left] >= 0) {
                offer(queue, text, prev[c.left], c.left, pairRank);
            }
            if (next[c.left] >= 0) {
                offer(queue, text, c.left, next[c.left], pairRank);
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = n == 0 ? -1 : 0; i >= 0; i = next[i]) {
            out.add(text[i]);
        }
        return out;
    }

    private static void offer(PriorityQueue<Candidate> queue, String[] text, int left, int right, PairRank pairRank) {
        String merged = text[left] + text[right];
        Double rank = pairRank.rank(merged, text[left], text[right]);
        if (rank != null) {
            queue.add(new Candidate(left, right, rank, merged.length()));
        }
    }
}
