package io.quantwatch.engine.generate;

/**
 * Teacher-forced scores of a given continuation: per position, the log-probability the model gave
 * the forced token, the model's own argmax there, and its top-k.
 */
public record ScoreTrace(int[] continuation, float[] logprobs, int[] argmax, TokenLogprob[][] topK) {

    /** Negative log-likelihood of the whole continuation (nats). */
    public double nll() {
        double s = 0;
        for (float lp : logprobs) {
            s -= lp;
        }
        return s;
    }

    /** exp(mean NLL); 1.0 for an empty continuation. */
    public double perplexity() {
        return logprobs.length == 0 ? 1.0 : Math.exp(nll() / logprobs.length);
    }
}
