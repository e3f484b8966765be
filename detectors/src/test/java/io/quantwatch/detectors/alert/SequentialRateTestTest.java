package io.quantwatch.detectors.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.Rate;
import io.quantwatch.detectors.window.ShadowCoverage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CUSUM rate rule: healthy windows keep the score at 0, small bad windows add up, good windows resolve. */
class SequentialRateTestTest {
    static final AlertRule JSON =
            new AlertRule("json-broken", DriftMetric.JSON_BROKEN_RATE, AlertRule.Direction.ABOVE, 0.02, 0.01, 50);
    static final AlertRule TOP1 =
            new AlertRule("same-top1-low", DriftMetric.SAME_TOP1_RATE, AlertRule.Direction.BELOW, 0.90, 0.02, 500);

    static DriftSummary window(long prompts, Rate jsonBroken, Rate sameTop1) {
        Rate e = Rate.EMPTY;
        return new DriftSummary(
                prompts,
                e,
                sameTop1,
                0,
                0,
                0,
                0,
                1,
                0,
                1,
                0,
                e,
                jsonBroken,
                Map.of(),
                1,
                e,
                e,
                0,
                Map.of(),
                e,
                e,
                e,
                e,
                e,
                e,
                new ShadowCoverage(prompts, prompts, 0, 0));
    }

    @Test
    void healthyWindowsNeverLeaveZero() {
        var step = SequentialRateTest.step(JSON, false, 0, window(100, new Rate(1, 100), Rate.EMPTY), 5);
        assertThat(step.score()).isZero();
        assertThat(step.transition()).isEmpty();
    }

    @Test
    void evidenceAddsUpAcrossWindowsAndTheMirroredScoreResolves() {
        double score = 0;
        int windows = 0;
        SequentialRateTest.Step step;
        do {
            step = SequentialRateTest.step(JSON, false, score, window(30, new Rate(2, 30), Rate.EMPTY), 5);
            score = step.score();
            windows++;
        } while (step.transition().isEmpty() && windows < 50);
        assertThat(windows).isBetween(2, 6);
        assertThat(step.transition().get().state()).isEqualTo(AlertTransition.State.FIRING);
        assertThat(step.score()).isZero();
        var resolved = SequentialRateTest.step(JSON, true, 0, window(1_000, new Rate(0, 1_000), Rate.EMPTY), 5);
        assertThat(resolved.transition())
                .hasValueSatisfying(t -> assertThat(t.state()).isEqualTo(AlertTransition.State.RESOLVED));
    }

    @Test
    void ratesPooledOverPositionsWeighAsManyTrialsAsPrompts() {
        // 10 prompts, 2 000 positions at 87 % same top-1: as evidence, 10 trials, not 2 000.
        var step = SequentialRateTest.step(TOP1, false, 0, window(10, Rate.EMPTY, new Rate(1_740, 2_000)), 5);
        assertThat(step.transition()).isEmpty();
        assertThat(step.score()).isPositive().isLessThan(5);
    }
}
