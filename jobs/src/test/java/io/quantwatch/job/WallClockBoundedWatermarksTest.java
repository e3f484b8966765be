package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

/** A client whose clock runs ahead keeps its event times but cannot move the watermark past the monitor's clock. */
class WallClockBoundedWatermarksTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };
    private final WallClockBoundedWatermarks<String> generator =
            new WallClockBoundedWatermarks<>(Duration.ofSeconds(5), now::get);

    private long emit() {
        generator.onPeriodicEmit(output);
        return emitted.get(emitted.size() - 1);
    }

    @Test
    void aClientFourMinutesAheadMovesTheWatermarkNoFurtherThanTheClock() {
        generator.onEvent("on time", now.get() - 100, output);
        assertThat(emit()).isEqualTo(now.get() - 100 - 5_000 - 1);
        generator.onEvent("skewed", now.get() + Duration.ofMinutes(4).toMillis(), output);
        assertThat(emit()).isEqualTo(now.get() - 5_000 - 1);
        // An on-time prompt that arrives just after is not behind the watermark: it is not late.
        long onTime = now.get() - 1_000;
        assertThat(onTime).isGreaterThan(emit());

        now.addAndGet(60_000); // a minute on: only prompts seen since then move it
        assertThat(emit()).isEqualTo(1_000_000 - 5_000 - 1);
        generator.onEvent("on time", now.get() - 200, output);
        assertThat(emit()).isEqualTo(now.get() - 200 - 5_000 - 1);
    }

    @Test
    void aReplayOfPastTrafficIsWatermarkedByItsEventTimesAlone() {
        long start = now.get() - Duration.ofDays(2).toMillis();
        for (int i = 0; i < 100; i++) {
            generator.onEvent("old", start + i * 1_000L, output);
        }
        assertThat(emit()).isEqualTo(start + 99_000 - 5_000 - 1);
        generator.onEvent("older", start, output);
        assertThat(emit()).as("never goes back").isEqualTo(start + 99_000 - 5_000 - 1);
    }

    @Test
    void beforeAnyEventTheWatermarkIsTheMinimum() {
        assertThat(emit()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void whenTrafficStopsEventTimeFollowsTheClockAfterTheIdleTimeout() {
        WallClockBoundedWatermarks<String> following =
                new WallClockBoundedWatermarks<>(Duration.ofSeconds(5), now::get, Duration.ofSeconds(30), true);
        following.onEvent("last", now.get() - 100, output);
        following.onPeriodicEmit(output);
        long stopped = emitted.get(emitted.size() - 1);
        now.addAndGet(29_000); // not idle yet: the watermark waits for records
        following.onPeriodicEmit(output);
        assertThat(emitted.get(emitted.size() - 1)).isEqualTo(stopped);

        now.addAndGet(31_000); // idle: the last window (ended by now − 35 s) may close
        following.onPeriodicEmit(output);
        assertThat(emitted.get(emitted.size() - 1)).isEqualTo(now.get() - 30_000 - 5_000 - 1);
        // Traffic resumes: a record stamped now is not late, and the watermark never goes back.
        long resumed = now.get();
        following.onEvent("resumed", resumed, output);
        following.onPeriodicEmit(output);
        assertThat(emitted.get(emitted.size() - 1)).isLessThan(resumed).isEqualTo(resumed - 5_000 - 1);
    }

    @Test
    void withoutFollowingTheClockAnIdleSubtaskIsMarkedIdle() {
        boolean[] idle = {false};
        WatermarkOutput marking = new WatermarkOutput() {
            @Override
            public void emitWatermark(Watermark watermark) {
                emitted.add(watermark.getTimestamp());
            }

            @Override
            public void markIdle() {
                idle[0] = true;
            }

            @Override
            public void markActive() {}
        };
        WallClockBoundedWatermarks<String> marks =
                new WallClockBoundedWatermarks<>(Duration.ofSeconds(5), now::get, Duration.ofSeconds(30), false);
        marks.onEvent("last", now.get(), marking);
        now.addAndGet(30_000);
        int before = emitted.size();
        marks.onPeriodicEmit(marking);
        assertThat(idle[0]).isTrue();
        assertThat(emitted).hasSize(before);
    }
}
