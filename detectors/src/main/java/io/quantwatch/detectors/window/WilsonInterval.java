package io.quantwatch.detectors.window;

/** The Wilson score interval of a binomial rate: honest bounds even for small samples and rates near 0 or 1. */
public record WilsonInterval(double lower, double upper) {
    /** z for a two-sided 95 % interval. */
    public static final double Z95 = 1.959963984540054;

    public static WilsonInterval of(long successes, long trials) {
        return of(successes, trials, Z95);
    }

    public static WilsonInterval of(long successes, long trials, double z) {
        if (trials <= 0) {
            return new WilsonInterval(0.0, 1.0);
        }
        double n = trials;
        double p = successes / n;
        double z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return new WilsonInterval(Math.max(0.0, centre - half), Math.min(1.0, centre + half));
    }
}
