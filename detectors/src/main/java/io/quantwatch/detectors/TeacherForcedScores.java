package io.quantwatch.detectors;

/**
 * The candidate teacher-forced on the reference's tokens, per position: KL(reference ‖ candidate),
 * whether both put the same token first, Δp = p_cand − p_ref of the reference token, both
 * log-probabilities of it, and the candidate's top token ids, all from full distributions (every backend
 * exposes its logits).
 */
public record TeacherForcedScores(
        double[] kl,
        boolean[] sameTop1,
        double[] deltaP,
        double[] referenceLogprob,
        double[] candidateLogprob,
        int[][] candidateTopIds) {

    public TeacherForcedScores {
        int n = kl.length;
        if (sameTop1.length != n
                || deltaP.length != n
                || referenceLogprob.length != n
                || candidateLogprob.length != n
                || candidateTopIds.length != n) {
            throw new IllegalArgumentException("teacher-forced arrays differ in length: kl has " + n + " positions");
        }
    }

    public int positions() {
        return kl.length;
    }
}
