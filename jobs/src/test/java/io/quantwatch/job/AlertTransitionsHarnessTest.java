package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.DriftAlertMapping;
import io.quantwatch.detectors.alert.AlertEvent;
import io.quantwatch.detectors.alert.AlertMethod;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.detectors.alert.DriftMetric;
import io.quantwatch.detectors.alert.LearnedBaseline;
import io.quantwatch.detectors.alert.Verdict;
import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.Rate;
import io.quantwatch.detectors.window.ShadowCoverage;
import io.quantwatch.detectors.window.WindowKey;
import io.quantwatch.detectors.window.WindowReport;
import io.quantwatch.schemas.AlertState;
import io.quantwatch.schemas.DriftAlert;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Alert transitions: one FIRING, silence while it stays bad, one RESOLVED after hysteresis, and state only while firing
 * (plus, for rules on a learned baseline, the baseline, which survives a restore).
 */
class AlertTransitionsHarnessTest {
    private static final AlertRule JSON =
            new AlertRule("json-broken", DriftMetric.JSON_BROKEN_RATE, AlertRule.Direction.ABOVE, 0.02, 0.01, 50);
    private static final WindowKey KEY = new WindowKey("m", "int4", "tool_call", "acme");

    private static WindowReport window(long end, long broken, long jsonPrompts) {
        Rate r = new Rate(broken, jsonPrompts);
        DriftSummary s = new DriftSummary(
                jsonPrompts,
                r,
                r,
                0,
                0,
                0,
                0,
                1,
                0,
                1,
                0,
                r,
                r,
                Map.of(),
                1,
                r,
                r,
                0,
                Map.of(),
                r,
                r,
                r,
                r,
                r,
                r,
                new ShadowCoverage(jsonPrompts, jsonPrompts, 0, 0));
        return new WindowReport(KEY, end - 60_000, end, s, Verdict.of(s, Verdict.Policy.defaults()));
    }

    private static KeyedOneInputStreamOperatorTestHarness<WindowKey, WindowReport, AlertEvent> harness()
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AlertTransitions(List.of(JSON), 180_000)),
                WindowReport::key,
                TypeInformation.of(WindowKey.class));
        h.open();
        return h;
    }

    @Test
    void aFiringKeyThatGoesSilentResolvesForLackOfDataAndLeavesNothingBehind() throws Exception {
        try (var h = harness()) {
            h.processElement(window(120_000, 30, 200), 0);
            h.processWatermark(299_999); // 3 windows of silence not yet over
            assertThat(alerts(h)).hasSize(1);
            h.processWatermark(300_000);
            List<DriftAlert> out = alerts(h);
            assertThat(out).hasSize(2);
            assertThat(out.get(1)).satisfies(a -> {
                assertThat(a.getState()).isEqualTo(AlertState.RESOLVED);
                assertThat(a.getSamples()).isZero();
                assertThat(a.getValue()).isNaN();
                assertThat(a.getTenant()).isEqualTo("acme");
                assertThat(a.getWindowEnd().toEpochMilli()).isEqualTo(300_000);
            });
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void firesOnceResolvesOnceAndHoldsStateOnlyWhileFiring() throws Exception {
        try (var h = harness()) {
            h.processElement(window(60_000, 0, 200), 0); // healthy
            assertThat(alerts(h)).isEmpty();
            assertThat(h.numKeyedStateEntries()).isZero();

            h.processElement(window(120_000, 30, 200), 0); // 15 % broken: confidently above 2 %
            h.processElement(window(180_000, 25, 200), 0); // still bad: no repeat
            assertThat(alerts(h)).singleElement().satisfies(a -> {
                assertThat(a.getState()).isEqualTo(AlertState.FIRING);
                assertThat(a.getRule()).isEqualTo("json-broken");
                assertThat(a.getLower()).isGreaterThan(0.02);
            });
            assertThat(h.numKeyedStateEntries()).isEqualTo(2); // the firing rule and the staleness timer's time
            assertThat(h.numEventTimeTimers()).isEqualTo(1);

            h.processElement(window(240_000, 0, 10), 0); // too few samples to judge: stays firing
            h.processElement(window(300_000, 1, 400), 0); // 0.25 %: below threshold − hysteresis
            List<DriftAlert> out = alerts(h);
            assertThat(out).extracting(DriftAlert::getState).containsExactly(AlertState.FIRING, AlertState.RESOLVED);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers() + h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void underCusumSmallBadWindowsAddUpToOneFiringAndGoodOnesResolveIt() throws Exception {
        var fn = new AlertTransitions(List.of(JSON), 180_000, AlertMethod.CUSUM, 5);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(fn), WindowReport::key, TypeInformation.of(WindowKey.class))) {
            h.open();
            h.processElement(window(60_000, 0, 100), 0); // healthy: the score stays at 0, no state
            assertThat(h.numKeyedStateEntries()).isZero();
            // 2 of 30 broken per window (6.7 %): each alone is too small for a Wilson test at 50 samples, together they
            // page.
            long end = 120_000;
            while (alerts(h).isEmpty() && end < 1_200_000) {
                h.processElement(window(end, 2, 30), 0);
                end += 60_000;
            }
            assertThat(alerts(h))
                    .singleElement()
                    .satisfies(a -> assertThat(a.getState()).isEqualTo(AlertState.FIRING));
            assertThat(end).as("paged within a few windows").isLessThanOrEqualTo(420_000);
            for (int i = 0; i < 20 && alerts(h).size() == 1; i++, end += 60_000) {
                h.processElement(window(end, 0, 100), 0); // healthy again
            }
            assertThat(alerts(h))
                    .extracting(DriftAlert::getState)
                    .containsExactly(AlertState.FIRING, AlertState.RESOLVED);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aRuleOnALearnedBaselineLearnsPagesOnADropAndKeepsItsBaselineAcrossRestoreAndSilence() throws Exception {
        AlertRule identical = new AlertRule(
                "identical-down-5pp",
                DriftMetric.IDENTICAL_RATE,
                AlertRule.Direction.BELOW,
                0.05,
                0,
                2_000,
                AlertRule.Baseline.LEARNED);
        var fn = new AlertTransitions(List.of(identical), 180_000, AlertMethod.CUSUM, 7);
        OperatorSubtaskState snapshot;
        long end = 60_000;
        try (var h = harness(fn)) {
            h.open();
            for (int i = 0; i < LearnedBaseline.MIN_WINDOWS; i++, end += 60_000) {
                h.processElement(
                        identicalWindow(end, 92 + i % 5, 100), 0); // around 94 %: the candidate's usual behaviour
            }
            assertThat(alerts(h)).isEmpty();
            assertThat(h.numKeyedStateEntries()).as("only the learned baseline").isEqualTo(1);
            snapshot = h.snapshot(1, end);
        }
        try (var h = harness(new AlertTransitions(List.of(identical), 180_000, AlertMethod.CUSUM, 7))) {
            h.initializeState(snapshot);
            h.open();
            for (int i = 0; i < 5 && alerts(h).isEmpty(); i++, end += 60_000) {
                h.processElement(identicalWindow(end, 84, 100), 0); // 10 points down, far above any fixed bound
            }
            assertThat(alerts(h)).singleElement().satisfies(a -> {
                assertThat(a.getState()).isEqualTo(AlertState.FIRING);
                assertThat(a.getValue()).isEqualTo(0.84);
                assertThat(a.getThreshold())
                        .as("the learned rate moved by the rule")
                        .isBetween(0.87, 0.89);
            });
            h.processWatermark(end + 180_000); // silence: resolved for lack of data
            assertThat(alerts(h))
                    .extracting(DriftAlert::getState)
                    .containsExactly(AlertState.FIRING, AlertState.RESOLVED);
            assertThat(alerts(h).get(1).getThreshold()).isNaN();
            assertThat(h.numKeyedStateEntries())
                    .as("the learned baseline stays")
                    .isEqualTo(1);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    private static WindowReport identicalWindow(long end, long identical, long prompts) {
        Rate e = Rate.EMPTY;
        DriftSummary s = new DriftSummary(
                prompts,
                new Rate(identical, prompts),
                e,
                0,
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
        return new WindowReport(KEY, end - 60_000, end, s, Verdict.of(s, Verdict.Policy.defaults()));
    }

    private static KeyedOneInputStreamOperatorTestHarness<WindowKey, WindowReport, AlertEvent> harness(
            AlertTransitions fn) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(fn), WindowReport::key, TypeInformation.of(WindowKey.class));
    }

    /** The transitions as drift-alerts carries them. */
    private static List<DriftAlert> alerts(
            KeyedOneInputStreamOperatorTestHarness<WindowKey, WindowReport, AlertEvent> h) {
        return h.extractOutputValues().stream().map(DriftAlertMapping::toAvro).toList();
    }
}
