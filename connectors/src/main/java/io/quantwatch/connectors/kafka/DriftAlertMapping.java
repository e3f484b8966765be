package io.quantwatch.connectors.kafka;

import io.quantwatch.detectors.alert.AlertEvent;
import io.quantwatch.detectors.alert.AlertTransition;
import io.quantwatch.schemas.AlertState;
import io.quantwatch.schemas.DriftAlert;
import java.time.Instant;

/** Converts an {@link AlertEvent} to the Avro {@link DriftAlert} of the drift-alerts topic. */
public final class DriftAlertMapping {
    private DriftAlertMapping() {}

    public static DriftAlert toAvro(AlertEvent e) {
        AlertTransition t = e.transition();
        return DriftAlert.newBuilder()
                .setRule(t.rule().name())
                .setMetric(t.rule().metric().name())
                .setState(t.state() == AlertTransition.State.FIRING ? AlertState.FIRING : AlertState.RESOLVED)
                .setModel(e.key().model())
                .setCandidate(e.key().candidate())
                .setTask(e.key().task())
                .setTenant(e.key().tenant())
                .setWindowEnd(Instant.ofEpochMilli(e.windowEnd()))
                .setValue(t.value())
                .setLower(t.intervalLower())
                .setUpper(t.intervalUpper())
                .setThreshold(t.bound())
                .setSamples(t.samples())
                .build();
    }
}
