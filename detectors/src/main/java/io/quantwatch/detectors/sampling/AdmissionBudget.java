package io.quantwatch.detectors.sampling;

import java.time.Duration;

/**
 * How much work the shadow stage may take on: as many prompts as it can finish within {@code maxDelay},
 * counting those already queued or running. The time per prompt is measured (an exponentially weighted
 * mean of recent prompts) unless a fixed capacity is configured; before the first measurement one prompt
 * is admitted to take it.
 */
public final class AdmissionBudget {
    /** Weight of the newest measurement: about the last ten prompts dominate. */
    private static final double ALPHA = 0.1;

    private final double maxDelaySeconds;
    private final double fixedSecondsPerPrompt;
    private double measuredSecondsPerPrompt = Double.NaN;

    /**
     * @param maxDelay            the longest a queued prompt may wait for its result
     * @param capacityPerSecond   prompts per second this stage serves, or 0 to measure it
     */
    public AdmissionBudget(Duration maxDelay, double capacityPerSecond) {
        if (maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("max delay must be positive, got " + maxDelay);
        }
        if (!(capacityPerSecond >= 0)) {
            throw new IllegalArgumentException("capacity must be >= 0 (0 measures it), got " + capacityPerSecond);
        }
        this.maxDelaySeconds = maxDelay.toNanos() / 1e9;
        this.fixedSecondsPerPrompt = capacityPerSecond > 0 ? 1.0 / capacityPerSecond : Double.NaN;
    }

    /** Records how long one prompt took (reference and every candidate). */
    public void recordService(Duration took) {
        double s = took.toNanos() / 1e9;
        measuredSecondsPerPrompt = Double.isNaN(measuredSecondsPerPrompt) ? s : ALPHA * s + (1 - ALPHA) * measuredSecondsPerPrompt;
    }

    /** Seconds per prompt: the configured capacity's, else the measured mean; NaN before any measurement. */
    public double secondsPerPrompt() {
        return Double.isNaN(fixedSecondsPerPrompt) ? measuredSecondsPerPrompt : fixedSecondsPerPrompt;
    }

    /** Prompts per second this stage serves, NaN until known. */
    public double capacityPerSecond() {
        return 1.0 / secondsPerPrompt();
    }

    /** How many prompts may still be admitted while {@code pending} are queued or running. */
    public int admissible(int pending) {
        double perPrompt = secondsPerPrompt();
        if (Double.isNaN(perPrompt)) {
            return pending == 0 ? 1 : 0; // one probe prompt measures the service time
        }
        long fits = (long) Math.floor(maxDelaySeconds / Math.max(perPrompt, 1e-6));
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, fits - pending));
    }

    /** Most prompts worth holding per open period: twice what fits, so a faster measurement later still finds enough. */
    public int holdLimit(int cap) {
        double perPrompt = secondsPerPrompt();
        if (Double.isNaN(perPrompt)) {
            return cap;
        }
        return (int) Math.min(cap, Math.max(1, 2 * Math.ceil(maxDelaySeconds / Math.max(perPrompt, 1e-6))));
    }
}
