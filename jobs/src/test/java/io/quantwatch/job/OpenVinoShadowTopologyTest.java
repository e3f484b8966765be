package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.DriftMetricsMapping;
import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.openvino.StubOpenVino;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.embedded.DemoTraffic;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.PromptEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's shadow operator with openvino pipelines (the C test library behind JNA, one candidate
 * on a simulated NPU) on a Flink MiniCluster, fed from memory: the same topology as production,
 * shadow records and windows for the openvino candidate, no state shared between prompts.
 */
class OpenVinoShadowTopologyTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(1)
            .build());

    /** Held for the whole test: JNA unloads a library nobody references, and the stub's settings would go with it. */
    private static final StubOpenVino.Control STUB = StubOpenVino.control();

    @AfterAll
    static void stopMeters() {
        JvmMeterRegistry.shutdown();
    }

    @Test
    void shadowsPromptsThroughTheOpenVinoBackendInsideTheJob(@TempDir Path dir) throws Exception {
        STUB.stub_set_devices("CPU,NPU");
        Path ref = StubOpenVino.folder(dir.resolve("fp16"), 0, StubOpenVino.Weights.FP16);
        Path same = StubOpenVino.folder(dir.resolve("same"), 0, StubOpenVino.Weights.INT4_SYM);
        Path int4 = StubOpenVino.folder(dir.resolve("int4"), 1.5, StubOpenVino.Weights.INT4_SYM);
        MonitorConfig c = ConfigLoader.load(
                null,
                List.of(
                        "openvino.library=" + StubOpenVino.library(),
                        "reference.openvino-dir=" + ref,
                        "candidates=[{name: npu-same, backend: openvino, model-dir: '" + same
                                + "', device: NPU, npu: {max-prompt-len: 128, min-response-len: 16}},"
                                + " {name: npu-int4, backend: openvino, model-dir: '" + int4
                                + "', device: NPU, npu: {max-prompt-len: 128, min-response-len: 16}}]",
                        "sampling.rate=1",
                        "sampling.per-tenant-per-second=1000",
                        "sampling.max-per-second=100000",
                        "sampling.burst=1000",
                        "shadow.capacity-per-second=1000",
                        "engine.max-tokens=24",
                        "windows.size=10min",
                        "windows.slide=10min",
                        "metrics.prometheus.enabled=false"));
        DemoTraffic traffic = new DemoTraffic(5, 24);
        List<RawPromptRecord> raw = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            PromptEvent e = traffic.next(Instant.now()
                    .minus(Duration.ofHours(1))
                    .truncatedTo(ChronoUnit.HOURS)
                    .plusSeconds(i));
            raw.add(new RawPromptRecord("prompts", 0, i, 0, null, DemoTraffic.encode(e, false)));
        }
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        DataStream<RawPromptRecord> source = env.fromData(raw);
        MonitorTopology.Outputs out = MonitorTopology.build(c, source);
        var records = out.shadowRecords().executeAndCollect("shadow records", 1000);
        List<ShadowResult> shadowed = new ArrayList<>(records);
        assertThat(shadowed).hasSize(24);
        assertThat(shadowed.stream().filter(r -> r.candidate().equals("npu-same")))
                .allSatisfy(r -> {
                    assertThat(r.metrics().distribution().klSum()).isLessThan(1e-9);
                    assertThat(r.metrics().divergence().firstDivergentToken())
                            .isEqualTo(r.metrics().divergence().referenceLength());
                });
        assertThat(shadowed.stream()
                        .filter(r -> r.candidate().equals("npu-int4"))
                        .mapToDouble(r -> r.metrics().distribution().klSum())
                        .sum())
                .isGreaterThan(0.1);

        StreamExecutionEnvironment env2 = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env2.setParallelism(1);
        List<DriftMetrics> windows = new ArrayList<>(MonitorTopology.build(c, env2.fromData(raw))
                .metrics()
                .map(DriftMetricsMapping::toAvro, TypeInformation.of(DriftMetrics.class))
                .executeAndCollect("windows", 1000));
        assertThat(windows.stream().filter(w -> w.getTask().equals("*")))
                .extracting(DriftMetrics::getCandidate)
                .containsExactlyInAnyOrder("npu-same", "npu-int4");
        assertThat(windows.stream()
                        .filter(w -> w.getTask().equals("*") && w.getCandidate().equals("npu-same")))
                .allSatisfy(w -> assertThat(w.getIdentical().getValue()).isEqualTo(1.0));
    }
}
