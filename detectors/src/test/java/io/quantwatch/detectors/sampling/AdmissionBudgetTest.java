package io.quantwatch.detectors.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The budget admits what finishes within the delay, counting work already queued. */
class AdmissionBudgetTest {

    @Test
    void beforeAnyMeasurementOneProbePromptIsAdmitted() {
        AdmissionBudget b = new AdmissionBudget(Duration.ofSeconds(30), 0);
        assertThat(b.capacityPerSecond()).isNaN();
        assertThat(b.admissible(0)).isEqualTo(1);
        assertThat(b.admissible(1)).isZero();
    }

    @Test
    void measuredServiceTimeBoundsTheQueueToTheDelay() {
        AdmissionBudget b = new AdmissionBudget(Duration.ofSeconds(30), 0);
        b.recordService(Duration.ofSeconds(2));
        assertThat(b.capacityPerSecond()).isEqualTo(0.5);
        assertThat(b.admissible(0)).isEqualTo(15);
        assertThat(b.admissible(10)).isEqualTo(5);
        assertThat(b.admissible(20)).isZero();
        for (int i = 0; i < 100; i++) {
            b.recordService(Duration.ofMillis(500)); // the pipeline got faster: the estimate follows
        }
        assertThat(b.secondsPerPrompt()).isBetween(0.5, 0.51);
        assertThat(b.admissible(0)).isBetween(58, 60);
        assertThat(b.holdLimit(10_000)).isBetween(232, 240);
        assertThat(b.holdLimit(150)).isEqualTo(150);
    }

    @Test
    void aColdWarmUpEstimateNeverStopsAdmissionAndTheFirstRealPromptReplacesIt() {
        AdmissionBudget b = new AdmissionBudget(Duration.ofSeconds(30), 0);
        b.recordWarmUp(Duration.ofSeconds(40)); // cold JIT and caches: slower than the delay itself
        assertThat(b.admissible(0)).as("an idle stage still takes a probe").isEqualTo(1);
        assertThat(b.admissible(1)).isZero();
        b.recordService(Duration.ofMillis(500));
        assertThat(b.secondsPerPrompt()).isEqualTo(0.5);
        assertThat(b.admissible(0)).isEqualTo(60);
        b.recordWarmUp(Duration.ofSeconds(40)); // a later warm-up (a restarted task) does not override measurements
        assertThat(b.secondsPerPrompt()).isEqualTo(0.5);
    }

    @Test
    void aConfiguredCapacityWinsOverMeasurements() {
        AdmissionBudget b = new AdmissionBudget(Duration.ofSeconds(10), 4);
        b.recordService(Duration.ofSeconds(5));
        assertThat(b.admissible(0)).isEqualTo(40);
        assertThatThrownBy(() -> new AdmissionBudget(Duration.ZERO, 0)).hasMessageContaining("max delay");
        assertThatThrownBy(() -> new AdmissionBudget(Duration.ofSeconds(1), -1)).hasMessageContaining("capacity");
    }
}
