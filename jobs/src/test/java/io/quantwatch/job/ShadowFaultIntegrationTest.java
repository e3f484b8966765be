package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.DriftMetricsMapping;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.shadow.ScriptedPipelines;
import io.quantwatch.connectors.shadow.ScriptedPipelines.Script;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.embedded.CounterTotals;
import io.quantwatch.embedded.LocalFlinkEnvironment;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.DeadLetter;
import io.quantwatch.schemas.DriftMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults on a MiniCluster: beside a healthy candidate, one that throws on every 7th prompt, one that hangs
 * forever (ignoring interrupts, like a stalled NPU call) on prompt 20, and one whose scores make a detector
 * throw on prompt 20. The job runs to the end; each fault costs only its own comparisons, counted and
 * dead-lettered as such.
 */
class ShadowFaultIntegrationTest {
    private static final int PROMPTS = 70;
    private static final int HANG_AT = 20;

    private static MonitorConfig config;
    private static final Map<String, Long> before = new LinkedHashMap<>();
    private static final Map<String, Long> after = new LinkedHashMap<>();
    private static long stuckThreads;

    @BeforeAll
    static void runWithFaultyCandidates() throws Exception {
        JvmMeterRegistry.shutdown(); // a fresh registry for this class's counters
        config = ConfigLoader.load(
                null,
                ShadowEveryPrompt.settings(
                        "candidates=[{name: healthy, backend: engine, recipe: reference}, {name: flaky, backend: engine, recipe: reference},"
                                + " {name: stuck, backend: engine, recipe: reference}, {name: bomb, backend: engine, recipe: reference}]",
                        "windows.size=1min",
                        "windows.slide=1min",
                        "shadow.capacity-per-second=1000",
                        "shadow.timeout=1s",
                        "alerts.use-defaults=false",
                        "metrics.prometheus.port=0",
                        "checkpoint-interval=1s"));
        ShadowPipelineFactory pipelines = () -> {
            Map<String, ShadowPipelines> m = new LinkedHashMap<>();
            m.put("healthy", new ScriptedPipelines(Script.healthy()));
            m.put("flaky", new ScriptedPipelines(new Script(0, true, false, false)));
            m.put("stuck", new ScriptedPipelines(new Script(0, false, true, false)));
            m.put("bomb", new ScriptedPipelines(new Script(0, false, false, true)));
            return m;
        };
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = LocalFlinkEnvironment.create(2, conf).env();
        env.enableCheckpointing(config.checkpointInterval().toMillis());
        var raw = env.fromSequence(0, PROMPTS - 1)
                .setParallelism(1)
                .map(new PacedPrompts(
                        50,
                        7,
                        ScriptedPipelines.FAIL,
                        HANG_AT,
                        ScriptedPipelines.HANG + " " + ScriptedPipelines.BAD_SCORES))
                .setParallelism(1);
        MonitorTopology.Outputs out = MonitorTopology.build(config, raw, pipelines);
        out.shadowRecords().sinkTo(new CollectingSink<>("fault-records"));
        out.deadLetters().sinkTo(new CollectingSink<>("fault-dead-letters"));
        out.metrics()
                .map(DriftMetricsMapping::toAvro, TypeInformation.of(DriftMetrics.class))
                .sinkTo(new CollectingSink<>("fault-metrics"));
        counters(before);
        env.execute("faults");
        counters(after);
        stuckThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("quantwatch-shadow-stuck"))
                .count();
    }

    @AfterAll
    static void release() {
        ScriptedPipelines.releaseHung();
    }

    private static void counters(Map<String, Long> into) {
        CounterTotals t = new CounterTotals(
                JvmMeterRegistry.get(config.metrics().settings()).registry());
        into.put("flaky/candidate", t.total("quantwatch.shadow.errors", "candidate", "flaky", "stage", "candidate"));
        into.put("bomb/detectors", t.total("quantwatch.shadow.errors", "candidate", "bomb", "stage", "detectors"));
        into.put("healthy/errors", t.total("quantwatch.shadow.errors", "candidate", "healthy"));
        into.put("stuck/timeouts", t.total("quantwatch.shadow.timeouts", "candidate", "stuck"));
        into.put("healthy/timeouts", t.total("quantwatch.shadow.timeouts", "candidate", "healthy"));
    }

    private static long delta(String key) {
        return after.get(key) - before.get(key);
    }

    private static Map<Long, ShadowResult> recordsOf(String candidate) {
        return CollectingSink.<ShadowResult>values("fault-records").stream()
                .filter(r -> r.candidate().equals(candidate))
                .collect(Collectors.toMap(r -> Long.parseLong(r.requestId().substring(4)), r -> r));
    }

    @Test
    void everyPromptGetsAnOutcomeForEveryCandidateAndTheHealthyOneIsUnaffected() {
        assertThat(CollectingSink.<ShadowResult>values("fault-records")).hasSize(PROMPTS * 4);
        assertThat(recordsOf("healthy"))
                .hasSize(PROMPTS)
                .allSatisfy((i, r) -> assertThat(r.outcome()).isEqualTo(ShadowResult.Outcome.COMPARED));
        assertThat(delta("healthy/errors")).isZero();
        assertThat(delta("healthy/timeouts")).isZero();
    }

    @Test
    void aThrowingPipelineCostsEvery7thComparisonAsCountedDeadLetteredErrors() {
        assertThat(recordsOf("flaky")).hasSize(PROMPTS).allSatisfy((i, r) -> {
            if (i % 7 == 0) {
                assertThat(r.outcome()).isEqualTo(ShadowResult.Outcome.ERROR);
                assertThat(r.detail())
                        .contains("candidate: java.lang.IllegalStateException: scripted pipeline failure");
            } else {
                assertThat(r.outcome()).isEqualTo(ShadowResult.Outcome.COMPARED);
            }
        });
        assertThat(delta("flaky/candidate")).isEqualTo(10);
        List<DeadLetter> pipelineErrors = CollectingSink.<DeadLetter>values("fault-dead-letters").stream()
                .filter(d -> d.getErrorClass().equals("PIPELINE_ERROR"))
                .toList();
        assertThat(pipelineErrors).hasSize(10).allSatisfy(d -> {
            assertThat(d.getReason())
                    .contains("candidate flaky failed at candidate")
                    .contains("IllegalStateException");
            assertThat(d.getValue()).isNotNull(); // the prompt itself, re-encoded
        });
    }

    @Test
    void aHungPipelineTimesOutWithoutBlockingTheStreamOrLeakingThreads() {
        assertThat(recordsOf("stuck"))
                .hasSize(PROMPTS)
                .allSatisfy((i, r) -> assertThat(r.outcome())
                        .isEqualTo(i < HANG_AT ? ShadowResult.Outcome.COMPARED : ShadowResult.Outcome.TIMEOUT));
        assertThat(delta("stuck/timeouts")).isEqualTo(PROMPTS - HANG_AT);
        assertThat(stuckThreads).as("threads held by the hung pipeline").isEqualTo(1);
        List<DriftMetrics> stuckWindows = CollectingSink.<DriftMetrics>values("fault-metrics").stream()
                .filter(w -> w.getCandidate().equals("stuck") && w.getTask().equals(RollupWindow.ALL))
                .toList();
        assertThat(stuckWindows.stream().mapToLong(DriftMetrics::getTimeouts).sum())
                .isEqualTo(PROMPTS - HANG_AT);
        assertThat(stuckWindows.stream().mapToLong(DriftMetrics::getPrompts).sum())
                .isEqualTo(HANG_AT);
        assertThat(stuckWindows.stream().mapToLong(DriftMetrics::getShadowed).sum())
                .isEqualTo(PROMPTS);
    }

    @Test
    void aDetectorThatThrowsCostsOneComparisonAndADetectorErrorDeadLetter() {
        assertThat(recordsOf("bomb").get((long) HANG_AT).detail())
                .startsWith("detectors: java.lang.NullPointerException");
        assertThat(recordsOf("bomb").values().stream().filter(r -> r.outcome() == ShadowResult.Outcome.COMPARED))
                .hasSize(PROMPTS - 1);
        assertThat(delta("bomb/detectors")).isEqualTo(1);
        assertThat(CollectingSink.<DeadLetter>values("fault-dead-letters").stream()
                        .filter(d -> d.getErrorClass().equals("DETECTOR_ERROR")))
                .singleElement()
                .satisfies(d -> assertThat(d.getReason())
                        .contains("candidate bomb failed at detectors")
                        .contains("NullPointerException"));
    }
}
