package io.quantwatch.engine.generate;

/**
 * Log-softmax facts about one logit vector, computed in double without materializing the
 * distribution: the log normalizer, the argmax and the top-k.
 */
public final class LogitStats {
    private LogitStats() {}

    /** log Σ exp(logits), stable. */
    public static double logSumExp(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum);
    }

    /** Index of the largest logit; the lowest index wins ties, as llama.cpp's greedy sampler does. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The k most likely tokens, best first, with log-probabilities. */
    public static TokenLogprob[] topK(float[] logits, int k, double logZ) {
        int n = Math.min(k, logits.length);
        int[] ids = new int[n];
        float[] vals = new float[n];
        int size = 0;
        for (int i = 0; i < logits.length; i++) {
            float l = logits[i];
            if (size < n) {
                insert(ids, vals, size++, i, l);
            } else if (l > vals[n - 1]) {
                insert(ids, vals, n - 1, i, l);
            }
        }
        TokenLogprob[] out = new TokenLogprob[n];
        for (int i = 0; i < n; i++) {
            out[i] = new TokenLogprob(ids[i], (float) (vals[i] - logZ));
        }
        return out;
    }

    /** Places (id, value) into the descending arrays, shifting smaller entries right from slot {@code from}. */
    private static void insert(int[] ids, float[] vals, int from, int id, float value) {
        int j = from;
        while (j > 0 && vals[j - 1] < value) {
            vals[j] = vals[j - 1];
            ids[j] = ids[j - 1];
            j--;
        }
        vals[j] = value;
        ids[j] = id;
    }
}
