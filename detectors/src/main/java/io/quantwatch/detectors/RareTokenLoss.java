package io.quantwatch.detectors;

import java.io.Serializable;

/**
 * Reference tokens the candidate no longer ranks in its top 10 at that step (teacher-forced on the
 * reference): where rare words, names and identifiers vanish first.
 */
public record RareTokenLoss(int positions, int missingFromTop10) implements Serializable {
    public static final int TOP = 10;

    public double missingRate() {
        return positions == 0 ? 0.0 : (double) missingFromTop10 / positions;
    }

    /**
     * @param referenceTokens the reference continuation
     * @param candidateTopIds per position, the candidate's top token ids (best first; at least the top 10 when known)
     */
    public static RareTokenLoss of(int[] referenceTokens, int[][] candidateTopIds) {
        int n = Math.min(referenceTokens.length, candidateTopIds.length);
        int missing = 0;
        for (int i = 0; i < n; i++) {
            boolean found = false;
            int[] top = candidateTopIds[i];
            for (int j = 0; j < Math.min(TOP, top.length); j++) {
                if (top[j] == referenceTokens[i]) {
                    found = true;
                    break;
                }
            }
            missing += found ? 0 : 1;
        }
        return new RareTokenLoss(n, missing);
    }
}
