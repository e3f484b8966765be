package io.quantwatch.detectors.alert;

/**
 * What one rule's metric was on one key while its baseline was learned: sample-weighted sums over the first windows.
 * Learned (and from then on fixed) once it holds {@link #MIN_WINDOWS} windows and the rule's minimum samples; the
 * spread of its window values gives the per-sample variance a mean rule's test needs.
 */
public record LearnedBaseline(long windows, double samples, double sum, double sumOfSquares) {
    /** Nothing learned yet. */
    public static final LearnedBaseline EMPTY = new LearnedBaseline(0, 0, 0, 0);
    /**
     * Windows before a baseline counts as learned: a variance estimated from fewer is too often far too small
     * (with 10 windows, one in eight estimates is below half the true variance; with 30, one in a hundred).
     */
    public static final int MIN_WINDOWS = 30;
    /** Standard errors of the learned mean given to the candidate (one-sided 97.7 %). */
    public static final double DOUBT = 2;

    /** The baseline with one more window whose value {@code value} stands on {@code weight} samples. */
    public LearnedBaseline add(double weight, double value) {
        return new LearnedBaseline(
                windows + 1, samples + weight, sum + weight * value, sumOfSquares + weight * value * value);
    }

    public boolean learned(long minSamples) {
        return windows >= MIN_WINDOWS && samples >= minSamples;
    }

    /** The sample-weighted mean of the learning windows (NaN before any). */
    public double mean() {
        return samples == 0 ? Double.NaN : sum / samples;
    }

    /**
     * The variance of one sample, from how far window values spread around the mean: Σ n·(x − mean)² / (windows − 1),
     * since a window of n samples has variance σ²/n. NaN with fewer than two windows.
     */
    public double sampleVariance() {
        return windows < 2 ? Double.NaN : Math.max(0, sumOfSquares - sum * sum / samples) / (windows - 1);
    }

    /** The standard error of {@link #mean()}, from the per-sample variance the windows show. */
    public double standardError() {
        return Math.sqrt(sampleVariance() / samples);
    }

    /**
     * The learned value given the benefit of the doubt: moved {@link #DOUBT} standard errors towards good, so a
     * baseline that was learned too good by chance does not page for ever after (it is fixed once learned).
     *
     * @param badAbove whether higher values are worse
     */
    public double benefitOfDoubt(boolean badAbove) {
        double margin = DOUBT * standardError();
        return badAbove ? mean() + margin : mean() - margin;
    }

    /** The four numbers as state stores them: windows, samples, sum, sum of squares. */
    public double[] toArray() {
        return new double[] {windows, samples, sum, sumOfSquares};
    }

    /** Reads {@link #toArray()}; EMPTY for null (nothing stored). */
    public static LearnedBaseline fromArray(double[] a) {
        if (a == null) {
            return EMPTY;
        }
        if (a.length != 4) {
            throw new IllegalArgumentException(
                    "a learned baseline is 4 numbers (windows, samples, sum, sum of squares), got " + a.length);
        }
        return new LearnedBaseline((long) a[0], a[1], a[2], a[3]);
    }
}
