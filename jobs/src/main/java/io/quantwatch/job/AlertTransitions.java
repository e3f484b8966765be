package io.quantwatch.job;

import io.quantwatch.detectors.alert.AlertEvent;
import io.quantwatch.detectors.alert.AlertMethod;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.detectors.alert.AlertTransition;
import io.quantwatch.detectors.alert.LearnedBaseline;
import io.quantwatch.detectors.alert.RuleState;
import io.quantwatch.detectors.window.WindowKey;
import io.quantwatch.detectors.window.WindowReport;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by window key: evaluates every alert rule on each closed window and emits FIRING and
 * RESOLVED transitions only — per window (Wilson test, hysteresis and minimum samples in the rules) or, for rate rules
 * under {@code alerts.method: cusum} and rules on a learned baseline, with a CUSUM score per rule carried from window to
 * window. A firing key that
 * stops producing windows (traffic gone, candidate removed) resolves after {@code staleAfterMillis}
 * of event time with {@code samples = 0} and NaN values, as Prometheus resolves an alert whose
 * series disappears (its learned baselines stay). State holds the rules currently firing, that one timer, non-zero
 * CUSUM scores and four numbers per rule on a learned baseline, so a healthy key keeps little state. (State
 * {@code last-window} of earlier builds is no longer read: the key is the timer's own.)
 */
public final class AlertTransitions extends KeyedProcessFunction<WindowKey, WindowReport, AlertEvent> {
    private static final long serialVersionUID = 1L;

    private final ArrayList<AlertRule> rules;
    private final long staleAfterMillis;
    private final AlertMethod method;
    private final double cusumThreshold;
    private transient MapState<String, Boolean> firing;
    /** CUSUM scores by rule; a rule at 0 keeps no entry. */
    private transient MapState<String, Double> scores;
    /** Learned baselines by rule ({@link LearnedBaseline#toArray()}), kept for good: they are the key's history. */
    private transient MapState<String, double[]> baselines;

    private transient ValueState<Long> staleAt;

    /** One Wilson test per window (tests of the per-window behaviour). */
    public AlertTransitions(List<AlertRule> rules, long staleAfterMillis) {
        this(rules, staleAfterMillis, AlertMethod.WINDOW, 1);
    }

    public AlertTransitions(List<AlertRule> rules, long staleAfterMillis, AlertMethod method, double cusumThreshold) {
        this.method = method;
        this.cusumThreshold = cusumThreshold;
        if (staleAfterMillis <= 0) {
            throw new IllegalArgumentException("staleAfterMillis must be > 0, got " + staleAfterMillis);
        }
        this.rules = new ArrayList<>(rules);
        this.staleAfterMillis = staleAfterMillis;
    }

    @Override
    public void open(OpenContext context) {
        firing = getRuntimeContext().getMapState(new MapStateDescriptor<>("firing", String.class, Boolean.class));
        scores = getRuntimeContext().getMapState(new MapStateDescriptor<>("cusum-scores", Types.STRING, Types.DOUBLE));
        baselines = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "learned-baselines", Types.STRING, PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
        staleAt = getRuntimeContext().getState(new ValueStateDescriptor<>("stale-at", Long.class));
    }

    @Override
    public void processElement(WindowReport window, Context ctx, Collector<AlertEvent> out) throws Exception {
        for (AlertRule rule : rules) {
            Double score = scores.get(rule.name());
            RuleState before = new RuleState(
                    firing.contains(rule.name()),
                    score == null ? 0 : score,
                    LearnedBaseline.fromArray(baselines.get(rule.name())));
            RuleState.Next next = method.decide(rule, before, window.summary(), cusumThreshold);
            store(rule.name(), before, next.state());
            next.transition().ifPresent(t -> out.collect(new AlertEvent(window.key(), window.end(), t)));
        }
        Long previous = staleAt.value();
        if (previous != null) {
            ctx.timerService().deleteEventTimeTimer(previous);
        }
        if (firing.isEmpty()) {
            staleAt.clear();
        } else {
            long at = window.end() + staleAfterMillis;
            ctx.timerService().registerEventTimeTimer(at);
            staleAt.update(at);
        }
    }

    /** Writes what changed; a rule at rest (not firing, score 0) keeps no entry but its learned baseline. */
    private void store(String rule, RuleState before, RuleState after) throws Exception {
        if (after.firing()) {
            firing.put(rule, true);
        } else {
            firing.remove(rule);
        }
        if (after.score() == 0) {
            scores.remove(rule);
        } else {
            scores.put(rule, after.score());
        }
        if (!after.baseline().equals(before.baseline())) {
            baselines.put(rule, after.baseline().toArray());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        for (AlertRule rule : rules) {
            if (firing.contains(rule.name())) {
                double bound = rule.baseline() == AlertRule.Baseline.FIXED ? rule.threshold() : Double.NaN;
                AlertTransition resolved = new AlertTransition(
                        rule, AlertTransition.State.RESOLVED, Double.NaN, Double.NaN, Double.NaN, 0, bound);
                out.collect(new AlertEvent(ctx.getCurrentKey(), timestamp, resolved));
            }
        }
        firing.clear();
        scores.clear();
        staleAt.clear();
    }
}
