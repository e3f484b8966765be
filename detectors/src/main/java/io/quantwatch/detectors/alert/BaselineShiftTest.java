package io.quantwatch.detectors.alert;

import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.detectors.window.Rate;
import io.quantwatch.detectors.window.WilsonInterval;
import java.util.Optional;

/**
 * A rule against the key's own learned baseline: the first windows are pooled into a {@link LearnedBaseline}, then a
 * CUSUM tests each window for a change by the rule's threshold — for a rate, Bernoulli with the learned rate as good
 * and the rate moved by the threshold as bad; for a mean, Gaussian on the log of the window's mean with the learned
 * log-mean and its per-sample variance as good and the learned mean times the threshold as bad. The learned value is given {@link LearnedBaseline#DOUBT} standard
 * errors of benefit of the doubt, as a baseline learned too good by chance would otherwise page again and again. It fires, and while firing resolves, like {@link SequentialRateTest}.
 * Windows whose mean is 0 (a candidate identical to the reference) carry no evidence on a mean.
 */
public final class BaselineShiftTest {
    private BaselineShiftTest() {}

    public static RuleState.Next step(AlertRule rule, RuleState state, DriftSummary window, double decisionThreshold) {
        DriftMetric m = rule.metric();
        long samples = m.samples(window);
        // Means are tested on a log scale: a factor becomes a shift, and one long, far-off answer weighs less.
        double value = m.isRate() ? m.value(window) : Math.log(m.value(window));
        RuleState.Next unchanged = new RuleState.Next(state, Optional.empty());
        if (samples == 0 || !Double.isFinite(value)) {
            return unchanged;
        }
        // Means weigh by prompts, the independent unit; rates by their trials (pooled positions are scaled in the
        // evidence).
        double weight = m.isRate() ? samples : window.prompts();
        LearnedBaseline baseline = state.baseline();
        if (!baseline.learned(rule.minSamples())) {
            return new RuleState.Next(new RuleState(false, 0, baseline.add(weight, value)), Optional.empty());
        }
        boolean above = rule.direction() == AlertRule.Direction.ABOVE;
        double good = baseline.benefitOfDoubt(above);
        double bound;
        double llr;
        double lower = m.value(window);
        double upper = lower;
        if (m.isRate()) {
            good = SequentialRateTest.clamp(good);
            double bad = SequentialRateTest.clamp(above ? good + rule.threshold() : good - rule.threshold());
            Rate r = m.rate(window);
            llr = SequentialRateTest.evidence(r, window.prompts(), good, bad);
            WilsonInterval i = r.interval();
            lower = i.lower();
            upper = i.upper();
            bound = bad;
        } else {
            double variance = baseline.sampleVariance();
            if (!(variance > 0)) {
                return unchanged;
            }
            double bad = good + Math.log(rule.threshold());
            llr = weight / variance * (bad - good) * (value - (good + bad) / 2);
            bound = Math.exp(bad);
        }
        double next = Math.max(0, state.score() + (state.firing() ? -llr : llr));
        if (next < decisionThreshold) {
            return new RuleState.Next(new RuleState(state.firing(), next, baseline), Optional.empty());
        }
        AlertTransition.State to = state.firing() ? AlertTransition.State.RESOLVED : AlertTransition.State.FIRING;
        return new RuleState.Next(
                new RuleState(!state.firing(), 0, baseline),
                Optional.of(new AlertTransition(rule, to, m.value(window), lower, upper, samples, bound)));
    }
}
