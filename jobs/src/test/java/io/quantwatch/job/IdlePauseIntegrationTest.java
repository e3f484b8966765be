package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.kafka.AvroSingleObjectSerializer;
import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.shadow.ScriptedPipelines;
import io.quantwatch.connectors.shadow.ScriptedPipelines.Script;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.embedded.CounterTotals;
import io.quantwatch.embedded.LocalFlinkEnvironment;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.PromptEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bursts separated by pauses longer than the idle timeout (the source goes idle between them): every per-key window
 * has its roll-up, the roll-up counts exactly the per-key prompts, and no record is late.
 */
class IdlePauseIntegrationTest {
    private static final int BURSTS = 3;
    private static final int PER_BURST = 12;
    private static MonitorConfig config;
    private static long late;

    /** Prompt i: 5 per second within a burst, bursts 8 s apart (6 s of silence, idle timeout 2 s). */
    static final class Bursts implements MapFunction<Long, RawPromptRecord> {
        private static final long serialVersionUID = 1L;
        private static final AvroSingleObjectSerializer<PromptEvent> BYTES = new AvroSingleObjectSerializer<>(PromptEvent.class);
        private transient long start;

        @Override
        public RawPromptRecord map(Long i) throws InterruptedException {
            if (start == 0) {
                start = System.currentTimeMillis();
            }
            long due = start + (i / PER_BURST) * 8_000 + (i % PER_BURST) * 200;
            long wait = due - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            long now = System.currentTimeMillis();
            PromptEvent e = PromptEvent.newBuilder().setRequestId("p-" + i).setTenant("tenant-" + (i % 3)).setModel("m")
                    .setTask(i % 2 == 0 ? "chat" : "tool_call").setPrompt("question " + i).setEventTime(Instant.ofEpochMilli(now))
                    .setMaxTokens(16).build();
            return new RawPromptRecord("prompts", 0, i, now, ("p-" + i).getBytes(StandardCharsets.UTF_8), BYTES.serialize(e));
        }
    }

    @BeforeAll
    static void burstsAndPauses() throws Exception {
        JvmMeterRegistry.shutdown();
        config = ConfigLoader.load(null, List.of(
                "reference.model=" + Path.of(System.getProperty("quantwatch.root", ".")).resolve("models/quantwatch-demo-f16.gguf"),
                "sampling.rate=1", "sampling.per-tenant-per-second=1000", "sampling.burst=1000",
                "candidates=[{name: c1, backend: engine, recipe: reference}, {name: c2, backend: engine, recipe: reference},"
                        + " {name: c3, backend: engine, recipe: reference}, {name: c4, backend: engine, recipe: reference}]",
                "windows.size=10s", "windows.slide=5s", "windows.out-of-orderness=1s", "windows.idle-timeout=2s",
                "shadow.max-delay=5s", "shadow.timeout=2s", "shadow.capacity-per-second=1000", "engine.parallelism=2",
                "alerts.use-defaults=false", "metrics.prometheus.port=0", "checkpoint-interval=2s"));
        ShadowPipelineFactory pipelines = () -> {
            Map<String, ShadowPipelines> m = new LinkedHashMap<>();
            for (String c : List.of("c1", "c2", "c3", "c4")) {
                m.put(c, new ScriptedPipelines(Script.healthy()));
            }
            return m;
        };
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        var env = LocalFlinkEnvironment.create(2, conf).env();
        env.enableCheckpointing(config.checkpointInterval().toMillis());
        var raw = env.fromSequence(0, BURSTS * PER_BURST - 1).setParallelism(1).map(new Bursts()).setParallelism(1);
        MonitorTopology.Outputs out = MonitorTopology.build(config, raw, pipelines);
        out.metrics().sinkTo(new CollectingSink<>("pause-metrics"));
        out.late().process(CountLate.records(config.metrics().settings())).sinkTo(new CollectingSink<>("pause-late"));
        out.lateWindows().process(CountLate.windows(config.metrics().settings())).sinkTo(new CollectingSink<>("pause-late-windows"));
        env.execute("pauses");
        CounterTotals counters = new CounterTotals(JvmMeterRegistry.get(config.metrics().settings()).registry());
        late = counters.total("quantwatch.late.records") + counters.total("quantwatch.late.windows");
    }

    @Test
    void everyPerKeyWindowHasItsRollUpWithTheSameCount() {
        List<DriftMetrics> windows = CollectingSink.values("pause-metrics");
        Map<String, Long> perKey = windows.stream().filter(w -> !w.getTask().equals(RollupWindow.ALL))
                .collect(Collectors.groupingBy(w -> w.getCandidate() + "@" + w.getWindowEnd(), Collectors.summingLong(DriftMetrics::getPrompts)));
        Map<String, Long> rollups = windows.stream().filter(w -> w.getTask().equals(RollupWindow.ALL))
                .collect(Collectors.toMap(w -> w.getCandidate() + "@" + w.getWindowEnd(), DriftMetrics::getPrompts, Long::sum));
        assertThat(perKey).isNotEmpty();
        assertThat(rollups).isEqualTo(perKey);
        // Each prompt is in size / slide = 2 windows per candidate.
        assertThat(perKey.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2L * 4 * BURSTS * PER_BURST);
        assertThat(late).isZero();
    }
}
