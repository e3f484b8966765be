package io.quantwatch.schemas;

import java.util.List;

/** The Kafka topics QuantWatch reads and writes, and the schema each carries. */
public final class Topics {
    /** Production prompts, {@link PromptEvent} (Avro single-object encoding) or JSON of the same shape. */
    public static final String PROMPTS = "prompts";
    /** Undecodable or invalid prompt records with their original bytes and the reason, {@link DeadLetter}. */
    public static final String PROMPTS_DLQ = "prompts-dlq";
    /** One record per (prompt, candidate), {@link ShadowRecord}. */
    public static final String SHADOW_RECORDS = "shadow-records";
    /** Windowed drift per key, {@link DriftMetrics}. */
    public static final String DRIFT_METRICS = "drift-metrics";
    /** Alert transitions, {@link DriftAlert}. */
    public static final String DRIFT_ALERTS = "drift-alerts";
    /** The worst divergent examples per window, {@link DivergentSample}. */
    public static final String DRIFT_SAMPLES = "drift-samples";

    public static final List<String> ALL = List.of(PROMPTS, PROMPTS_DLQ, SHADOW_RECORDS, DRIFT_METRICS, DRIFT_ALERTS, DRIFT_SAMPLES);

    private Topics() {
    }
}
