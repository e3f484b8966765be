package io.quantwatch.engine.generate;

import io.quantwatch.engine.model.DecodingSession;
import java.util.List;

/**
 * Teacher-forces a reference continuation through a reference and a candidate session in lock
 * step and compares their full next-token distributions at each position: exact
 * KL(reference ‖ candidate), same top-1, Δp of the forced token and both log-likelihoods. Only
 * the two current logit vectors are held, never vocab × length floats.
 */
public final class PairedScorer {
    private final DecodingSession reference;
    private final DecodingSession candidate;

    public PairedScorer(DecodingSession reference, DecodingSession candidate) {
        if (reference.vocabSize() != candidate.vocabSize()) {
            throw new IllegalArgumentException("reference and candidate vocabularies differ in size: "
                    + reference.vocabSize() + " vs "
                    + candidate.vocabSize());
        }
        this.reference = reference;
        this.candidate = candidate;
    }

    /** Per-position comparison; arrays are indexed by continuation position. */
    public record Comparison(
            double[] kl,
            boolean[] sameTop1,
            double[] deltaP,
            double[] referenceLogprob,
            double[] candidateLogprob,
            int[][] candidateTopIds) {

        public int length() {
            return kl.length;
        }

        public double meanKl() {
            double s = 0;
            for (double v : kl) {
                s += v;
            }
            return kl.length == 0 ? 0 : s / kl.length;
        }

        /** PPL(candidate) / PPL(reference) over the continuation. */
        public double perplexityRatio() {
            double diff = 0;
            for (int i = 0; i < kl.length; i++) {
                diff += referenceLogprob[i] - candidateLogprob[i];
            }
            return kl.length == 0 ? 1.0 : Math.exp(diff / kl.length);
        }

        public double sameTop1Rate() {
            int same = 0;
            for (boolean b : sameTop1) {
                same += b ? 1 : 0;
            }
            return sameTop1.length == 0 ? 1.0 : (double) same / sameTop1.length;
        }
    }

    public Comparison compare(int[] prompt, int[] continuation) {
        return compare(prompt, continuation, 0);
    }

    /** As {@link #compare(int[], int[])}, also keeping the candidate's {@code topK} token ids per position. */
    public Comparison compare(int[] prompt, int[] continuation, int topK) {
        PositionwiseDivergence divergence = new PositionwiseDivergence(continuation.length, topK);
        TeacherForcing.run(
                sessions(), prompt, continuation, (i, rows) -> divergence.add(i, rows[0], rows[1], continuation[i]));
        return divergence.result();
    }

    /** The candidate's own greedy answer beside the comparison, and how many of its tokens the batched pass chose. */
    public record Verified(GenerationTrace candidate, Comparison comparison, int verifiedTokens) {}

    /**
     * The comparison of {@link #compare(int[], int[], int)} and, from the same batched pass, the candidate's greedy
     * answer: exact speculative decoding with the reference's answer as the draft. At each position the candidate's
     * teacher-forced logits are the ones its own decode would see as long as its answer equals the reference's so
     * far, so its greedy choice is read off them; from the first position where it picks another token (or after
     * the reference's last token) the candidate rewinds its cache to there and decodes on its own. The answer is
     * token for token, top-k for top-k the one {@link GreedyDecoder#generate} gives, because batched and
     * token-by-token logits are bit-for-bit equal.
     */
    public Verified compareAndDecode(
            int[] prompt, int[] referenceAnswer, int maxNewTokens, List<String> stopSequences, int topK) {
        return compareAndDecode(prompt, referenceAnswer, maxNewTokens, stopSequences, topK, null);
    }

    /**
     * As above, with the reference's logits at each answer position already known ({@code referenceLogits} row i,
     * e.g. recorded by the reference's own decode, {@link GreedyDecoder#generate(int[], int, List, List)}): only the
     * candidate is run. Null rows, or too few, mean the reference is teacher-forced here as well.
     */
    public Verified compareAndDecode(
            int[] prompt,
            int[] referenceAnswer,
            int maxNewTokens,
            List<String> stopSequences,
            int topK,
            List<float[]> referenceLogits) {
        GreedyRun run = new GreedyRun(
                candidate.tokenizer(), prompt.length, candidate.capacity(), maxNewTokens, stopSequences, topK);
        PositionwiseDivergence divergence = new PositionwiseDivergence(referenceAnswer.length, topK);
        long t0 = System.nanoTime();
        int[] agreed = {0}; // answer tokens settled by the reference's; run.step is not called past a disagreement
        boolean known = referenceLogits != null && referenceLogits.size() >= referenceAnswer.length;
        TeacherForcing.run(
                known ? new DecodingSession[] {candidate} : sessions(), prompt, referenceAnswer, (i, rows) -> {
                    float[] ref = known ? referenceLogits.get(i) : rows[0];
                    float[] cand = rows[rows.length - 1];
                    divergence.add(i, ref, cand, referenceAnswer[i]);
                    if (agreed[0] == i && run.step(cand) && run.last() == referenceAnswer[i]) {
                        agreed[0]++;
                    }
                });
        int verified = run.tokens(); // chosen from the batched pass, none decoded one by one
        long t1 = System.nanoTime();
        if (!run.ended()) {
            // The candidate's cache holds the prompt and the agreed tokens; its last choice is fed next.
            float[] logits;
            if (run.tokens() == 0) {
                candidate.reset();
                logits = candidate.prefill(prompt, 0, prompt.length);
            } else {
                candidate.rewind(prompt.length + run.tokens() - 1);
                logits = candidate.forward(run.last());
            }
            while (run.step(logits)) {
                logits = candidate.forward(run.last());
            }
        }
        long t2 = System.nanoTime();
        return new Verified(run.trace(prompt, t1 - t0, t2 - t1), divergence.result(), verified);
    }

    private DecodingSession[] sessions() {
        return new DecodingSession[] {reference, candidate};
    }
}
