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
 */
public final class WallClockBoundedWatermarks<T> implements WatermarkGenerator<T> {
    private final long outOfOrdernessMillis;
    private final LongSupplier clock;
    private long maxCounted;

    public WallClockBoundedWatermarks(Duration outOfOrderness, LongSupplier clock) {
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
        this.clock = clock;
        this.maxCounted = Long.MIN_VALUE + outOfOrdernessMillis + 1;
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        maxCounted = Math.max(maxCounted, Math.min(eventTimestamp, clock.getAsLong()));
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.emitWatermark(new Watermark(maxCounted - outOfOrdernessMillis - 1));
    }
}
