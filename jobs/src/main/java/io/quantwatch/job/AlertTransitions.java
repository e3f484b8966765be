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
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by window key: evaluates every alert rule on each closed window and emits FIRING and
 * RESOLVED transitions only (hysteresis and minimum samples live in the rules). State holds only
 * the rules currently firing, so a healthy key keeps no state at all.
 */
public final class AlertTransitions extends KeyedProcessFunction<WindowKey, DriftMetrics, DriftAlert> {
    private static final long serialVersionUID = 1L;

    private final ArrayList<AlertRule> rules;
    private transient MapState<String, Boolean> firing;

    public AlertTransitions(List<AlertRule> rules) {
        this.rules = new ArrayList<>(rules);
    }

    @Override
    public void open(OpenContext context) {
        firing = getRuntimeContext().getMapState(new MapStateDescriptor<>("firing", String.class, Boolean.class));
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
            out.collect(DriftAlert.newBuilder()
                    .setRule(rule.name()).setMetric(rule.metric().name())
                    .setState(AlertState.valueOf(transition.state().name()))
                    .setModel(window.getModel()).setCandidate(window.getCandidate()).setTask(window.getTask())
                    .setTenant(window.getTenant()).setWindowEnd(window.getWindowEnd())
                    .setValue(transition.value()).setLower(transition.intervalLower()).setUpper(transition.intervalUpper())
                    .setThreshold(rule.threshold()).setSamples(transition.samples())
                    .build());
        }
    }
}
