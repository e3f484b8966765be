package io.quantwatch.detectors;

import java.io.Serializable;

/**
 * Greedy divergence between a reference and a candidate token sequence, as OpenVINO's
 * who-what-benchmark defines it: FDT is the length of the common prefix (the position of the first
 * divergent token), SDT the number of candidate tokens outside the longest common subsequence
 * (the tokens to correct). WWB finds matches with Python's difflib, whose heuristics can miss
 * matches on long inputs; this computes the exact longest common subsequence.
 */
public record TokenDivergence(
        int firstDivergentToken, int divergentTokens, int referenceLength, int candidateLength, int editDistance)
        implements Serializable {

    /** True when both sequences are identical. */
    public boolean identical() {
        return firstDivergentToken == referenceLength && referenceLength == candidateLength;
    }

    /** FDT / reference length (1.0 when identical or both empty). */
    public double firstDivergenceRatio() {
        return referenceLength == 0
                ? (candidateLength == 0 ? 1.0 : 0.0)
                : (double) firstDivergentToken / referenceLength;
    }

    /** SDT / candidate length, WWB's "SDT norm" (0 when the candidate is empty and so is the reference). */
    public double divergentTokenRatio() {
        if (candidateLength == 0) {
            return referenceLength == 0 ? 0.0 : 1.0;
        }
        return (double) divergentTokens / candidateLength;
    }

    /** Share of positions, over the longer sequence, where both hold the same token. */
    public double positionalAgreement(int[] reference, int[] candidate) {
        int longer = Math.max(reference.length, candidate.length);
        if (longer == 0) {
            return 1.0;
        }
        int same = 0;
        for (int i = 0; i < Math.min(reference.length, candidate.length); i++) {
            same += reference[i] == candidate[i] ? 1 : 0;
        }
        return (double) same / longer;
    }

    public static TokenDivergence of(int[] reference, int[] candidate) {
        int n = reference.length;
        int m = candidate.length;
        int prefix = 0;
        while (prefix < n && prefix < m && reference[prefix] == candidate[prefix]) {
            prefix++;
        }
        if (n == 0 || m == 0) {
            // WWB: an empty side means every token of the other side diverges.
            return new TokenDivergence(0, Math.max(n, m), n, m, Math.max(n, m));
        }
        // Two rolling rows for the LCS and the Levenshtein distance: O(n·m) time, O(m) memory.
        int[] lcsPrev = new int[m + 1];
        int[] lcsCur = new int[m + 1];
        int[] edPrev = new int[m + 1];
        int[] edCur = new int[m + 1];
        for (int j = 0; j <= m; j++) {
            edPrev[j] = j;
        }
        for (int i = 1; i <= n; i++) {
            edCur[0] = i;
            lcsCur[0] = 0;
            for (int j = 1; j <= m; j++) {
                boolean same = reference[i - 1] == candidate[j - 1];
                lcsCur[j] = same ? lcsPrev[j - 1] + 1 : Math.max(lcsPrev[j], lcsCur[j - 1]);
                edCur[j] = Math.min(Math.min(edPrev[j] + 1, edCur[j - 1] + 1), edPrev[j - 1] + (same ? 0 : 1));
            }
            int[] t = lcsPrev;
            lcsPrev = lcsCur;
            lcsCur = t;
            t = edPrev;
            edPrev = edCur;
            edCur = t;
        }
        return new TokenDivergence(prefix, m - lcsPrev[m], n, m, edPrev[m]);
    }
}
