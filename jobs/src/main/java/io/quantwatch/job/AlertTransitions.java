package io.quantwatch.job;

import io.quantwatch.connectors.kafka.DriftMetricsMapping;
import io.quantwatch.connectors.kafka.DriftMetricsMapping.WindowKey;
import io.quantwatch.detectors.alert.AlertEvaluator;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.detectors.alert.AlertTransition;
import io.quantwatch.detectors.window.DriftSummary;
import io.quantwatch.schemas.AlertState;
import io.quantwatch.schemas.DriftAlert;
import io.quantwatch.schemas.DriftMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by window key: evaluates every alert rule on each closed window and emits FIRING and
 * RESOLVED transitions only (hysteresis and minimum samples live in the rules). A firing key that
 * stops producing windows (traffic gone, candidate removed) resolves after {@code staleAfterMillis}
 * of event time with {@code samples = 0} and NaN values, as Prometheus resolves an alert whose
 * series disappears. State holds only the rules currently firing and that one timer, so a healthy
 * key keeps no state at all.
 */
public final class AlertTransitions extends KeyedProcessFunction<WindowKey, DriftMetrics, DriftAlert> {
    private static final long serialVersionUID = 1L;

    private final ArrayList<AlertRule> rules;
    private final long staleAfterMillis;
    private transient MapState<String, Boolean> firing;
    private transient ValueState<Long> staleAt;
    private transient ValueState<DriftMetrics> lastWindow;

    public AlertTransitions(List<AlertRule> rules, long staleAfterMillis) {
        if (staleAfterMillis <= 0) {
            throw new IllegalArgumentException("staleAfterMillis must be > 0, got " + staleAfterMillis);
        }
        this.rules = new ArrayList<>(rules);
        this.staleAfterMillis = staleAfterMillis;
    }

    @Override
    public void open(OpenContext context) {
        firing = getRuntimeContext().getMapState(new MapStateDescriptor<>("firing", String.class, Boolean.class));
        staleAt = getRuntimeContext().getState(new ValueStateDescriptor<>("stale-at", Long.class));
        lastWindow = getRuntimeContext().getState(new ValueStateDescriptor<>("last-window", DriftMetrics.class));
    }

    @Override
    public void processElement(DriftMetrics window, Context ctx, Collector<DriftAlert> out) throws Exception {
        DriftSummary summary = DriftMetricsMapping.toSummary(window);
        for (AlertRule rule : rules) {
            boolean wasFiring = firing.contains(rule.name());
            Optional<AlertTransition> t = AlertEvaluator.evaluate(rule, wasFiring, summary);
            if (t.isEmpty()) {
                continue;
            }
            AlertTransition transition = t.get();
            if (transition.state() == AlertTransition.State.FIRING) {
                firing.put(rule.name(), true);
            } else {
                firing.remove(rule.name());
            }
            out.collect(alert(rule, AlertState.valueOf(transition.state().name()), window, window.getWindowEnd().toEpochMilli(),
                    transition.value(), transition.intervalLower(), transition.intervalUpper(), transition.samples()));
        }
        Long previous = staleAt.value();
        if (previous != null) {
            ctx.timerService().deleteEventTimeTimer(previous);
        }
        if (firing.isEmpty()) {
            staleAt.clear();
            lastWindow.clear();
        } else {
            long at = window.getWindowEnd().toEpochMilli() + staleAfterMillis;
            ctx.timerService().registerEventTimeTimer(at);
            staleAt.update(at);
            lastWindow.update(window);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DriftAlert> out) throws Exception {
        DriftMetrics last = lastWindow.value();
        for (AlertRule rule : rules) {
            if (firing.contains(rule.name())) {
                out.collect(alert(rule, AlertState.RESOLVED, last, timestamp, Double.NaN, Double.NaN, Double.NaN, 0));
            }
        }
        firing.clear();
        staleAt.clear();
        lastWindow.clear();
    }

    private static DriftAlert alert(AlertRule rule, AlertState state, DriftMetrics key, long windowEnd, double value, double lower,
                                    double upper, long samples) {
        return DriftAlert.newBuilder()
                .setRule(rule.name()).setMetric(rule.metric().name()).setState(state)
                .setModel(key.getModel()).setCandidate(key.getCandidate()).setTask(key.getTask()).setTenant(key.getTenant())
                .setWindowEnd(java.time.Instant.ofEpochMilli(windowEnd))
                .setValue(value).setLower(lower).setUpper(upper).setThreshold(rule.threshold()).setSamples(samples)
                .build();
    }
}
