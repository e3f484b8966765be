package io.quantwatch.detectors.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.Rate;
import io.quantwatch.detectors.window.ShadowCoverage;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Alert transitions with minimum samples, confidence and hysteresis; verdicts on the seed's thresholds. */
class AlertsAndVerdictsTest {
    static final AlertRule JSON =
            new AlertRule("json-broken", DriftMetric.JSON_BROKEN_RATE, AlertRule.Direction.ABOVE, 0.02, 0.01, 50);

    static DriftSummary window(long prompts, Rate jsonBroken, double pplRatio, Rate sameTop1) {
        return new DriftSummary(
                prompts,
                Rate.EMPTY,
                sameTop1,
                0.01,
                0,
                0,
                0,
                pplRatio,
                0,
                1,
                0,
                Rate.EMPTY,
                jsonBroken,
                Map.of(),
                1,
                Rate.EMPTY,
                Rate.EMPTY,
                0,
                Map.of(),
                Rate.EMPTY,
                Rate.EMPTY,
                Rate.EMPTY,
                Rate.EMPTY,
                Rate.EMPTY,
                Rate.EMPTY,
                new ShadowCoverage(prompts, prompts, 0, 0));
    }

    @Test
    void tooFewSamplesNeverFire() {
        assertThat(AlertEvaluator.evaluate(JSON, false, window(20, new Rate(10, 20), 1.0, Rate.EMPTY)))
                .isEmpty();
    }

    @Test
    void aRateFiresOnlyOnAConfidentBreach() {
        // 3 broken in 100: point estimate 3 % > 2 %, but the interval reaches down to ~1 %: not confident.
        assertThat(AlertEvaluator.evaluate(JSON, false, window(100, new Rate(3, 100), 1.0, Rate.EMPTY)))
                .isEmpty();
        Optional<AlertTransition> t =
                AlertEvaluator.evaluate(JSON, false, window(400, new Rate(40, 400), 1.0, Rate.EMPTY));
        assertThat(t).isPresent();
        assertThat(t.get().state()).isEqualTo(AlertTransition.State.FIRING);
        assertThat(t.get().intervalLower()).isGreaterThan(0.02);
        assertThat(t.get().samples()).isEqualTo(400);
    }

    @Test
    void aFiringAlertResolvesOnlyPastTheHysteresis() {
        // 1.5 % is below the threshold but inside the 1-point hysteresis band: stays firing.
        assertThat(AlertEvaluator.evaluate(JSON, true, window(400, new Rate(6, 400), 1.0, Rate.EMPTY)))
                .isEmpty();
        Optional<AlertTransition> t =
                AlertEvaluator.evaluate(JSON, true, window(400, new Rate(2, 400), 1.0, Rate.EMPTY));
        assertThat(t.map(AlertTransition::state)).contains(AlertTransition.State.RESOLVED);
        // An already-firing alert does not fire again.
        assertThat(AlertEvaluator.evaluate(JSON, true, window(400, new Rate(40, 400), 1.0, Rate.EMPTY)))
                .isEmpty();
    }

    @Test
    void belowRulesAndMeanRulesWork() {
        AlertRule top1 =
                new AlertRule("same-top1-low", DriftMetric.SAME_TOP1_RATE, AlertRule.Direction.BELOW, 0.90, 0.02, 500);
        assertThat(AlertEvaluator.evaluate(top1, false, window(10, Rate.EMPTY, 1.0, new Rate(800, 1000))))
                .isPresent();
        assertThat(AlertEvaluator.evaluate(top1, false, window(10, Rate.EMPTY, 1.0, new Rate(950, 1000))))
                .isEmpty();
        AlertRule ppl = new AlertRule("ppl", DriftMetric.PERPLEXITY_RATIO, AlertRule.Direction.ABOVE, 1.05, 0.01, 50);
        assertThat(AlertEvaluator.evaluate(ppl, false, window(60, Rate.EMPTY, 1.08, Rate.EMPTY)))
                .isPresent();
        assertThat(AlertEvaluator.evaluate(ppl, true, window(60, Rate.EMPTY, 1.045, Rate.EMPTY)))
                .isEmpty();
        assertThat(AlertEvaluator.evaluate(ppl, true, window(60, Rate.EMPTY, 1.03, Rate.EMPTY)))
                .isPresent();
    }

    @Test
    void verdictsFollowTheSeedsGuidance() {
        Verdict.Policy p = Verdict.Policy.defaults();
        assertThat(Verdict.of(window(10, Rate.EMPTY, 1.0, Rate.EMPTY), p).level())
                .isEqualTo(Verdict.Level.INSUFFICIENT_DATA);
        assertThat(Verdict.of(window(100, new Rate(0, 80), 1.008, Rate.EMPTY), p)
                        .level())
                .isEqualTo(Verdict.Level.SAFE);
        assertThat(Verdict.of(window(100, new Rate(0, 80), 1.03, Rate.EMPTY), p).level())
                .isEqualTo(Verdict.Level.WATCH);
        Verdict stop = Verdict.of(window(100, new Rate(0, 80), 1.07, Rate.EMPTY), p);
        assertThat(stop.level()).isEqualTo(Verdict.Level.STOP_AND_RECONSIDER);
        assertThat(stop.reasons().get(0)).contains("perplexity");
        Verdict json = Verdict.of(window(300, new Rate(30, 300), 1.01, Rate.EMPTY), p);
        assertThat(json.level()).isEqualTo(Verdict.Level.STOP_AND_RECONSIDER);
        assertThat(json.reasons().get(0)).contains("JSON broken");
    }

    @Test
    void badRulesAreRefusedByName() {
        Assertions.assertThatThrownBy(
                        () -> new AlertRule("x", DriftMetric.MEAN_KL, AlertRule.Direction.ABOVE, 1, -1, 5))
                .hasMessageContaining("rule 'x'")
                .hasMessageContaining("hysteresis");
    }

    /** A window with the structural signals given and everything else neutral. */
    static DriftSummary structured(
            long prompts, Rate identical, Rate jsonBroken, Rate valueChanged, Rate sentenceBroken) {
        Rate e = Rate.EMPTY;
        return new DriftSummary(
                prompts,
                identical,
                e,
                0.01,
                0,
                0,
                0,
                1.004,
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
                sentenceBroken,
                e,
                e,
                e,
                valueChanged,
                new ShadowCoverage(prompts, prompts, 0, 0));
    }

    @Test
    void freeTextThatDivergesIsSafeButSaysSoAndChangedValuesInToolCallsStop() {
        Verdict.Policy p = Verdict.Policy.defaults();
        // Over half the answers changed, all of them free text: structured outputs clean, perplexity INT8-like.
        Verdict benign =
                Verdict.of(structured(100, new Rate(45, 100), new Rate(0, 40), new Rate(0, 40), new Rate(0, 30)), p);
        assertThat(benign.level()).isEqualTo(Verdict.Level.SAFE);
        assertThat(benign.reasons().get(0)).contains("55 % of answers differ").contains("structured outputs clean");
        // The same perplexity, but tool calls with changed argument values: what an agent acts on.
        Verdict values =
                Verdict.of(structured(100, new Rate(45, 100), new Rate(0, 40), new Rate(12, 40), new Rate(0, 30)), p);
        assertThat(values.level()).isEqualTo(Verdict.Level.STOP_AND_RECONSIDER);
        assertThat(values.reasons())
                .anySatisfy(r -> assertThat(r).startsWith("argument values changed in 30.0 % of parsed JSON answers"));
        // A broken sentence count in constrained replies that is not yet confident: WATCH, and the reason says why.
        Verdict sentences =
                Verdict.of(structured(100, new Rate(80, 100), new Rate(0, 40), new Rate(0, 40), new Rate(2, 30)), p);
        assertThat(sentences.level()).isEqualTo(Verdict.Level.WATCH);
        assertThat(sentences.reasons())
                .anySatisfy(r -> assertThat(r).contains("sentence count broken").contains("not yet confident"));
    }

    @Test
    void aConfidentStructuralBreachStopsEvenWithFewPromptsAndTooFewPromptsSayWhatIsMissing() {
        Verdict.Policy p = Verdict.Policy.defaults();
        Verdict few = Verdict.of(structured(20, new Rate(10, 20), new Rate(8, 12), Rate.EMPTY, Rate.EMPTY), p);
        assertThat(few.level()).isEqualTo(Verdict.Level.STOP_AND_RECONSIDER);
        assertThat(few.reasons().get(0)).startsWith("JSON broken in 66.7 % of JSON answers (8/12");
        Verdict waiting = Verdict.of(structured(20, new Rate(20, 20), new Rate(0, 12), Rate.EMPTY, Rate.EMPTY), p);
        assertThat(waiting.level()).isEqualTo(Verdict.Level.INSUFFICIENT_DATA);
        assertThat(waiting.reasons().get(0)).contains("20 prompts, 30 needed");
    }
}
