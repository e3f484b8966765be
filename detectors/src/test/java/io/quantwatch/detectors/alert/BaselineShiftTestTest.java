package io.quantwatch.detectors.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.Rate;
import io.quantwatch.detectors.window.ShadowCoverage;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Rules on a learned baseline: silent while learning, quiet on the candidate's usual behaviour, paging within a few
 * windows when it gets worse than it was — far from any fixed threshold — and resolving when it is back.
 */
class BaselineShiftTestTest {
    static final AlertRule IDENTICAL = new AlertRule(
            "identical-down-5pp",
            DriftMetric.IDENTICAL_RATE,
            AlertRule.Direction.BELOW,
            0.05,
            0,
            2_000,
            AlertRule.Baseline.LEARNED);
    static final AlertRule KL = new AlertRule(
            "kl-up-50pct", DriftMetric.MEAN_KL, AlertRule.Direction.ABOVE, 1.5, 0, 2_000, AlertRule.Baseline.LEARNED);

    static DriftSummary window(long prompts, long identical, double meanKl) {
        Rate e = Rate.EMPTY;
        return new DriftSummary(
                prompts,
                new Rate(identical, prompts),
                e,
                meanKl,
                0,
                0,
                0,
                1,
                0,
                1,
                0,
                e,
                e,
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

    /** 100 prompts per window around 94 % identical and a mean KL around 4e-5, as the bundled INT8 candidate. */
    static DriftSummary healthy(int i) {
        return window(100, 92 + (i % 5), 4e-5 * (0.8 + 0.1 * (i % 5)));
    }

    static RuleState learn(AlertRule rule) {
        RuleState s = RuleState.NEW;
        for (int i = 0; !s.baseline().learned(rule.minSamples()); i++) {
            RuleState.Next next = BaselineShiftTest.step(rule, s, healthy(i), 7);
            assertThat(next.transition()).as("no alert while learning").isEmpty();
            s = next.state();
        }
        return s;
    }

    @Test
    void learnsFromTheFirstWindowsAndSamplesWithoutAlerting() {
        RuleState s = learn(IDENTICAL);
        assertThat(s.baseline().windows()).isEqualTo(LearnedBaseline.MIN_WINDOWS);
        assertThat(s.baseline().samples()).isEqualTo(3_000);
        assertThat(s.baseline().mean()).isCloseTo(0.94, within(0.001));
        assertThat(s.score()).isZero();
    }

    @Test
    void theUsualBehaviourNeverPages() {
        for (AlertRule rule : new AlertRule[] {IDENTICAL, KL}) {
            RuleState s = learn(rule);
            for (int i = 0; i < 1_000; i++) {
                RuleState.Next next = BaselineShiftTest.step(rule, s, healthy(i * 7 + 3), 7);
                assertThat(next.transition()).as(rule.name() + " window " + i).isEmpty();
                s = next.state();
            }
        }
    }

    @Test
    void anIdenticalRateTenPointsDownPagesWithinAFewWindowsAndResolvesWhenBack() {
        RuleState s = learn(IDENTICAL);
        Optional<AlertTransition> fired = Optional.empty();
        int windows = 0;
        while (fired.isEmpty() && windows++ < 20) {
            RuleState.Next next = BaselineShiftTest.step(IDENTICAL, s, window(100, 84, 4e-5), 7);
            s = next.state();
            fired = next.transition();
        }
        assertThat(windows).isBetween(1, 4);
        assertThat(fired).hasValueSatisfying(t -> {
            assertThat(t.state()).isEqualTo(AlertTransition.State.FIRING);
            assertThat(t.value()).isEqualTo(0.84);
            // The bound: the learned 94 %, minus two standard errors of benefit of the doubt, minus the rule's 5
            // points.
            assertThat(t.bound()).isLessThan(0.89).isGreaterThan(0.87);
        });
        assertThat(s.firing()).isTrue();
        RuleState.Next back = BaselineShiftTest.step(IDENTICAL, s, window(1_000, 945, 4e-5), 7);
        assertThat(back.transition())
                .hasValueSatisfying(t -> assertThat(t.state()).isEqualTo(AlertTransition.State.RESOLVED));
        assertThat(back.state().firing()).isFalse();
        assertThat(back.state().baseline()).as("the baseline stays as learned").isEqualTo(s.baseline());
    }

    @Test
    void aMeanKlTwiceTheLearnedOnePagesAndTheBoundIsTheLearnedMeanTimesTheFactor() {
        RuleState s = learn(KL);
        RuleState.Next next = BaselineShiftTest.step(KL, s, window(100, 94, 8e-5), 7);
        for (int i = 0; i < 3 && next.transition().isEmpty(); i++) {
            next = BaselineShiftTest.step(KL, next.state(), window(100, 94, 8e-5), 7);
        }
        assertThat(next.transition()).hasValueSatisfying(t -> {
            assertThat(t.state()).isEqualTo(AlertTransition.State.FIRING);
            assertThat(t.bound()).isCloseTo(1.5 * 4e-5, within(0.2 * 4e-5));
        });
    }

    @Test
    void windowsWithoutEvidenceChangeNothing() {
        RuleState s = learn(KL);
        assertThat(BaselineShiftTest.step(KL, s, window(100, 100, 0.0), 7).state())
                .isEqualTo(s);
        assertThat(BaselineShiftTest.step(IDENTICAL, s, window(0, 0, 0.0), 7).state())
                .isEqualTo(s);
    }

    @Test
    void theBaselineRoundTripsThroughState() {
        LearnedBaseline b = learn(KL).baseline();
        assertThat(LearnedBaseline.fromArray(b.toArray())).isEqualTo(b);
        assertThat(LearnedBaseline.fromArray(null)).isEqualTo(LearnedBaseline.EMPTY);
        assertThatThrownBy(() -> LearnedBaseline.fromArray(new double[3])).hasMessageContaining("4 numbers");
    }

    @Test
    void theVarianceOfOneSampleComesFromTheSpreadOfWindowMeans() {
        // Windows of 4 samples whose means are 1 and 3: per-window variance 1, so one sample's is 4.
        LearnedBaseline b = LearnedBaseline.EMPTY.add(4, 1).add(4, 3);
        assertThat(b.mean()).isEqualTo(2);
        assertThat(b.sampleVariance()).isEqualTo(8);
        assertThat(b.standardError()).isEqualTo(1);
        assertThat(b.benefitOfDoubt(true)).isEqualTo(4);
        assertThat(b.benefitOfDoubt(false)).isEqualTo(0);
    }

    @Test
    void rulesOnALearnedBaselineRefuseSettingsThatMeanNothing() {
        assertThatThrownBy(() -> new AlertRule(
                        "x",
                        DriftMetric.IDENTICAL_RATE,
                        AlertRule.Direction.BELOW,
                        0.05,
                        0.01,
                        2_000,
                        AlertRule.Baseline.LEARNED))
                .hasMessageContaining("hysteresis must be 0");
        assertThatThrownBy(() -> new AlertRule(
                        "x",
                        DriftMetric.PERPLEXITY_RATIO,
                        AlertRule.Direction.ABOVE,
                        1.5,
                        0,
                        2_000,
                        AlertRule.Baseline.LEARNED))
                .hasMessageContaining("use mean-kl");
        assertThatThrownBy(() -> new AlertRule(
                        "x",
                        DriftMetric.IDENTICAL_RATE,
                        AlertRule.Direction.BELOW,
                        5,
                        0,
                        2_000,
                        AlertRule.Baseline.LEARNED))
                .hasMessageContaining("percentage points as a fraction, e.g. 0.05");
        assertThatThrownBy(() -> new AlertRule(
                        "x", DriftMetric.MEAN_KL, AlertRule.Direction.ABOVE, 0.5, 0, 2_000, AlertRule.Baseline.LEARNED))
                .hasMessageContaining("> 1 (e.g. 1.5)");
    }
}
