package io.quantwatch.detectors.sampling;

/**
 * A token bucket as an immutable value: {@code ratePerSecond} tokens refill continuously up to
 * {@code burst}; a request passes when a whole token is available. Immutable so it can live in
 * keyed state and be tested without a clock.
 *
 * @param tokens     tokens available at {@code updatedAt}
 * @param updatedAt  milliseconds of the last refill
 */
public record TokenBucket(double tokens, long updatedAt) {

    /** A full bucket at time {@code now}: a new tenant may send a burst straight away. */
    public static TokenBucket full(double burst, long now) {
        return new TokenBucket(burst, now);
    }

    /** The bucket refilled up to {@code now}; time going backwards refills nothing. */
    public TokenBucket refill(double ratePerSecond, double burst, long now) {
        long elapsed = Math.max(0, now - updatedAt);
        return new TokenBucket(Math.min(burst, tokens + elapsed * ratePerSecond / 1000.0), Math.max(now, updatedAt));
    }

    public boolean hasToken() {
        return tokens >= 1.0;
    }

    /** The bucket after one request took a token; callers check {@link #hasToken()} first. */
    public TokenBucket take() {
        return new TokenBucket(tokens - 1.0, updatedAt);
    }

    /** Milliseconds from {@code updatedAt} until the bucket is full again (then its state can be dropped). */
    public long millisUntilFull(double ratePerSecond, double burst) {
        return (long) Math.ceil(Math.max(0.0, burst - tokens) * 1000.0 / ratePerSecond);
    }
}
