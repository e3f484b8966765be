package io.quantwatch.job;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded-out-of-orderness watermarks in which no event counts as later than this monitor's wall clock: a client
 * whose clock runs ahead (within {@code windows.max-skew}) keeps its own event times, so its prompts land in
 * the windows they claim, but cannot drag the watermark ahead and make everybody else's prompts late.
 * Replays of past traffic are unaffected (their event times are all behind the clock).
 *
 * <p>A source subtask without records for {@code idleTimeout} (wall clock) either follows the clock — its watermark
 * becomes {@code now − idleTimeout − outOfOrderness}, so when traffic stops the held prompts run and the last windows
 * close within that bound after their end — or, without {@code followClockWhenIdle}, is marked idle (event time then
 * waits for the next record).
 */
public final class WallClockBoundedWatermarks<T> implements WatermarkGenerator<T> {
    private final long outOfOrdernessMillis;
    private final LongSupplier clock;
    private final long idleTimeoutMillis;
    private final boolean followClockWhenIdle;
    private long maxCounted;
    private long lastEventAt;

    /** Without idleness: the watermark moves with records only. */
    public WallClockBoundedWatermarks(Duration outOfOrderness, LongSupplier clock) {
        this(outOfOrderness, clock, Duration.ofMillis(Long.MAX_VALUE), false);
    }

    /**
     * @param idleTimeout         how long without a record makes this subtask idle
     * @param followClockWhenIdle when idle, let event time follow the clock (else mark the output idle)
     */
    public WallClockBoundedWatermarks(
            Duration outOfOrderness, LongSupplier clock, Duration idleTimeout, boolean followClockWhenIdle) {
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
        this.clock = clock;
        this.idleTimeoutMillis = idleTimeout.toMillis();
        this.followClockWhenIdle = followClockWhenIdle;
        this.maxCounted = Long.MIN_VALUE + outOfOrdernessMillis + 1;
        this.lastEventAt = clock.getAsLong();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        long now = clock.getAsLong();
        maxCounted = Math.max(maxCounted, Math.min(eventTimestamp, now));
        lastEventAt = now;
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.getAsLong();
        if (now - lastEventAt >= idleTimeoutMillis) {
            if (!followClockWhenIdle) {
                output.markIdle();
                return;
            }
            // Quiet for the idle timeout: count as if a record stamped that long ago had just arrived.
            maxCounted = Math.max(maxCounted, now - idleTimeoutMillis);
        }
        output.emitWatermark(new Watermark(maxCounted - outOfOrdernessMillis - 1));
    }
}
