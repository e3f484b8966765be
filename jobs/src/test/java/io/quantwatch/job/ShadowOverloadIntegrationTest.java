package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.DriftMetricsMapping;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.shadow.ScriptedPipelines;
import io.quantwatch.connectors.shadow.ScriptedPipelines.Script;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.embedded.CheckpointStats;
import io.quantwatch.embedded.CheckpointWatch;
import io.quantwatch.embedded.CounterTotals;
import io.quantwatch.embedded.LocalFlinkEnvironment;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.DriftMetrics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sustained overload on a MiniCluster (its REST API read for checkpoint statistics): one shadow subtask whose slow candidate takes 500 ms per prompt
 * (2 prompts/s) is offered 100 prompts/s for 60 s of wall-clock event time. Windows keep closing within
 * the bound, every prompt is accounted for exactly, and checkpoints complete.
 */
class ShadowOverloadIntegrationTest {
    private static final int SECONDS = 60;
    private static final int PER_SECOND = 100;
    private static final long BOUND_MILLIS =
            Duration.ofSeconds(10 + 10 + 1 + 5).toMillis(); // size + slide + disorder + max delay

    private static MonitorConfig config;
    private static Map<String, Long> before;
    private static Map<String, Long> after;
    private static CheckpointWatch checkpoints;

    @BeforeAll
    static void overload() throws Exception {
        JvmMeterRegistry.shutdown(); // a fresh registry for this class's counters
        config = ConfigLoader.load(
                null,
                ShadowEveryPrompt.settings(
                        "candidates=[{name: steady, backend: engine, recipe: reference}, {name: slow, backend: engine, recipe: reference}]",
                        "windows.size=10s",
                        "windows.slide=10s",
                        "windows.out-of-orderness=1s",
                        "windows.idle-timeout=5s",
                        "shadow.max-delay=5s",
                        "shadow.timeout=2s",
                        "alerts.use-defaults=false",
                        "metrics.prometheus.port=0",
                        "checkpoint-interval=2s"));
        ShadowPipelineFactory pipelines = () -> {
            Map<String, ShadowPipelines> m = new LinkedHashMap<>();
            m.put("steady", new ScriptedPipelines(Script.healthy()));
            m.put("slow", new ScriptedPipelines(Script.sleeping(500)));
            return m;
        };
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        LocalFlinkEnvironment flink = LocalFlinkEnvironment.create(2, conf);
        StreamExecutionEnvironment env = flink.env();
        env.enableCheckpointing(config.checkpointInterval().toMillis());
        var raw = env.fromSequence(0, SECONDS * PER_SECOND - 1)
                .setParallelism(1)
                .map(new PacedPrompts(PER_SECOND, 0, "", -1, ""))
                .setParallelism(1)
                .name("paced prompts");
        MonitorTopology.Outputs out = MonitorTopology.build(config, raw, pipelines);
        out.metrics()
                .map(DriftMetricsMapping::toAvro, TypeInformation.of(DriftMetrics.class))
                .sinkTo(new CollectingSink<>("overload-metrics"));
        out.shadowRecords().sinkTo(new CollectingSink<>("overload-records"));
        before = counters();
        JobClient job = env.executeAsync("overload");
        checkpoints = new CheckpointWatch(flink.restUrl(), job.getJobID().toString());
        // Stop reading when the load ends: a bounded job's last checkpoint may be declined as its tasks finish.
        Thread.sleep(SECONDS * 1000L - 2_000);
        checkpoints.close();
        job.getJobExecutionResult().get();
        after = counters();
    }

    private static Map<String, Long> counters() {
        CounterTotals t = new CounterTotals(
                JvmMeterRegistry.get(config.metrics().settings()).registry());
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("valid", t.total("quantwatch.prompts", "outcome", "valid"));
        for (String d : List.of(
                "other_model", "not_sampled", "duplicate", "rate_limited", "over_capacity", "late", "admitted")) {
            m.put(d, t.total("quantwatch.sampling", "decision", d));
        }
        m.put("shadowed", t.total("quantwatch.shadowed"));
        m.put("rejected", t.total("quantwatch.shadow.rejected"));
        return m;
    }

    private static long delta(String name) {
        return after.get(name) - before.get(name);
    }

    @Test
    void windowsKeepClosingWithinTheBoundWhileMostPromptsAreShed() {
        List<CollectingSink.Arrived<DriftMetrics>> windows = CollectingSink.arrived("overload-metrics");
        assertThat(windows)
                .hasSizeGreaterThanOrEqualTo(SECONDS / 10 * 2 * 2); // every 10 s: 2 candidates, per key and roll-up
        assertThat(windows)
                .allSatisfy(w -> assertThat(
                                w.wallMillis() - w.value().getWindowEnd().toEpochMilli())
                        .as("freshness of the window ending %s", w.value().getWindowEnd())
                        .isLessThanOrEqualTo(BOUND_MILLIS + 5_000));
        assertThat(delta("over_capacity")).as("shed").isGreaterThan(delta("shadowed") * 10);
        assertThat(delta("shadowed")).as("the slow candidate's capacity used").isGreaterThan(SECONDS);
    }

    @Test
    void everyPromptIsAccountedForExactly() {
        assertThat(delta("valid")).isEqualTo(SECONDS * PER_SECOND);
        assertThat(delta("other_model")
                        + delta("not_sampled")
                        + delta("duplicate")
                        + delta("rate_limited")
                        + delta("over_capacity")
                        + delta("late")
                        + delta("shadowed")
                        + delta("rejected"))
                .isEqualTo(delta("valid"));
        assertThat(delta("admitted")).isEqualTo(delta("shadowed") + delta("rejected"));
        List<ShadowResult> published = CollectingSink.values("overload-records");
        assertThat(published).hasSize((int) delta("shadowed") * 2);
        List<DriftMetrics> perKey = CollectingSink.<DriftMetrics>values("overload-metrics").stream()
                .filter(w -> !w.getTask().equals(RollupWindow.ALL))
                .toList();
        assertThat(perKey.stream().mapToLong(DriftMetrics::getShadowed).sum()).isEqualTo(published.size());
        assertThat(perKey.stream().mapToLong(DriftMetrics::getOffered).sum())
                .isEqualTo(2 * (delta("over_capacity") + delta("shadowed")));
        assertThat(perKey)
                .allSatisfy(
                        w -> assertThat(w.getPrompts()).isEqualTo(w.getShadowed() - w.getTimeouts() - w.getErrors()));
    }

    @Test
    void checkpointsCompleteUnderOverload() {
        CheckpointStats last = checkpoints.latest();
        assertThat(last).isNotNull();
        assertThat(last.completed()).isGreaterThanOrEqualTo(SECONDS / 2 / 2);
        assertThat(checkpoints.failedWhileRunning()).as(last.lastFailure()).isZero();
        assertThat(last.maxMillis())
                .isLessThanOrEqualTo(config.checkpointInterval().plusSeconds(30).toMillis());
    }
}
