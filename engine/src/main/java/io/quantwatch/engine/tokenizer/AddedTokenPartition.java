package io.quantwatch.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A text cut around the user-defined tokens of its vocabulary before pre-tokenization, as llama.cpp's
 * {@code tokenizer_st_partition} does even with special-token parsing off: token by token, longest text first, every
 * occurrence in what is still raw text, left to right. (Control tokens are left alone: text that spells one stays text.)
 */
public final class AddedTokenPartition {

    /** Raw bytes {@code [from, to)} of the text, or one token ({@code token >= 0}). */
    public record Fragment(int token, int from, int to) {
        public boolean isToken() {
            return token >= 0;
        }
    }

    private AddedTokenPartition() {}

    public static List<Fragment> split(byte[] text, Vocabulary vocab) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.length > 0) {
            fragments.add(new Fragment(-1, 0, text.length));
        }
        for (int token : vocab.userDefinedLongestFirst()) {
            byte[] needle = vocab.tokenBytes(token);
            List<Fragment> next = new ArrayList<>(fragments.size() + 4);
            boolean found = false;
            for (Fragment f : fragments) {
                if (f.isToken()) {
                    next.add(f);
                    continue;
                }
                int at = f.from();
                int match;
                while ((match = indexOf(text, needle, at, f.to())) >= 0) {
                    found = true;
                    if (match > at) {
                        next.add(new Fragment(-1, at, match));
                    }
                    next.add(new Fragment(token, match, match + needle.length));
                    at = match + needle.length;
                }
                if (at < f.to()) {
                    next.add(at == f.from() ? f : new Fragment(-1, at, f.to()));
                }
            }
            if (found) {
                fragments = next;
            }
        }
        return fragments;
    }

    /** First index of needle within text[from, to), or -1. */
    private static int indexOf(byte[] text, byte[] needle, int from, int to) {
        byte first = needle[0];
        int last = to - needle.length;
        for (int i = from; i <= last; i++) {
            if (text[i] != first) {
                continue;
            }
            int j = 1;
            while (j < needle.length && text[i + j] == needle[j]) {
                j++;
            }
            if (j == needle.length) {
                return i;
            }
        }
        return -1;
    }
}
