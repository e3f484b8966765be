package io.quantwatch.detectors.sampling;

import java.time.Duration;

/**
 * How much work the shadow stage may take on: as many prompts as it can finish within {@code maxDelay},
 * counting those already queued or running. The time per prompt is measured (an exponentially weighted
 * mean of recent prompts, first estimated by a warm-up prompt) unless a fixed capacity is configured; an idle
 * stage always admits one prompt, so a bad estimate is corrected by the next measurement.
 */
public final class AdmissionBudget {
    /** Weight of the newest measurement: about the last ten prompts dominate. */
    private static final double ALPHA = 0.1;

    private final double maxDelaySeconds;
    private final double fixedSecondsPerPrompt;
    private double measuredSecondsPerPrompt = Double.NaN;
    /** True while the estimate comes from a warm-up prompt only (cold JIT, caches): the first real prompt replaces it. */
    private boolean provisional;

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
        boolean first = Double.isNaN(measuredSecondsPerPrompt) || provisional;
        measuredSecondsPerPrompt = first ? s : ALPHA * s + (1 - ALPHA) * measuredSecondsPerPrompt;
        provisional = false;
    }

    /** A first estimate from a warm-up prompt, used until the first real prompt is measured. */
    public void recordWarmUp(Duration took) {
        if (Double.isNaN(measuredSecondsPerPrompt)) {
            measuredSecondsPerPrompt = took.toNanos() / 1e9;
            provisional = true;
        }
    }

    /** Seconds per prompt: the configured capacity's, else the measured mean; NaN before any measurement. */
    public double secondsPerPrompt() {
        return Double.isNaN(fixedSecondsPerPrompt) ? measuredSecondsPerPrompt : fixedSecondsPerPrompt;
    }

    /** Prompts per second this stage serves, NaN until known. */
    public double capacityPerSecond() {
        return 1.0 / secondsPerPrompt();
    }

    /**
     * How many prompts may still be admitted while {@code pending} are queued or running. An idle stage always
     * takes at least one: a probe that measures the service time, so an estimate that came out too high (a cold
     * start, one slow prompt) corrects itself instead of shedding everything forever.
     */
    public int admissible(int pending) {
        double perPrompt = secondsPerPrompt();
        long fits = Double.isNaN(perPrompt) ? 0 : (long) Math.floor(maxDelaySeconds / Math.max(perPrompt, 1e-6));
        long room = Math.max(0, Math.min(Integer.MAX_VALUE, fits - pending));
        return (int) (pending == 0 ? Math.max(1, room) : room);
    }

    /**
     * Most prompts worth holding per open period: four times what fits now (at least 100), so a faster
     * measurement by the time the period closes still finds enough; {@code cap} bounds memory.
     */
    public int holdLimit(int cap) {
        double perPrompt = secondsPerPrompt();
        if (Double.isNaN(perPrompt)) {
            return cap;
        }
        return (int) Math.min(cap, Math.max(100, 4 * Math.ceil(maxDelaySeconds / Math.max(perPrompt, 1e-6))));
    }
}
