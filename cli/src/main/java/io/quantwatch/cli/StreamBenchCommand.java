package io.quantwatch.cli;

import io.quantwatch.connectors.kafka.ShadowRecordMapping;
import io.quantwatch.connectors.shadow.ShadowOutcome;
import io.quantwatch.connectors.shadow.ShadowRunner;
import io.quantwatch.detectors.ShadowResult;
import io.quantwatch.detectors.alert.AlertMethod;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.embedded.DemoTraffic;
import io.quantwatch.job.MonitorTopology;
import io.quantwatch.job.PipelineAssembly;
import io.quantwatch.job.ReplayShadowResults;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.schemas.PromptEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch bench stream}: replays recorded shadow records (no inference) through the
 * detectors' windows, roll-up, alerts and samples on a MiniCluster, beside a no-op job that reads
 * and discards the same records, in one run; prints records/s of each.
 */
@Command(
        name = "stream",
        mixinStandardHelpOptions = true,
        description = "Window throughput on a MiniCluster, replaying recorded shadow records beside a no-op job.")
public final class StreamBenchCommand implements Callable<Integer> {

    @Option(
            names = "--records",
            defaultValue = "2000000",
            description = "Records replayed per job (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--prompts",
            defaultValue = "16",
            description = "Demo prompts shadowed for real to record from (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(
            names = "--model",
            defaultValue = "models/quantwatch-demo-f16.gguf",
            description = "Reference GGUF (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(
            names = "--rounds",
            defaultValue = "2",
            description = "Measured rounds; each runs every job once (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        List<ShadowResult> recorded = record();
        System.out.printf(
                "recorded %d shadow results from %d prompts × the default candidates (real inference)%n",
                recorded.size(), prompts);
        System.out.printf(
                "replaying %,d records per job, parallelism %d, 1-minute tumbling windows, 12 tenants, 1 ms apart%n%n",
                records, parallelism);
        System.out.printf("%-44s %12s %10s%n", "job", "records/s", "seconds");
        // Warm-up: JIT-compile both paths before anything is measured (the first window job runs ~40 % slower cold).
        run("warm-up", recorded, Mode.NOOP, Math.min(records, 500_000), false);
        run("warm-up", recorded, Mode.WINDOWS_ROLLUP, Math.min(records, 500_000), false);
        for (int round = 0; round < rounds; round++) {
            double noop = run("no-op: replay → discard", recorded, Mode.NOOP, records, true);
            double windows =
                    run("windows (per key + roll-up), alerts, samples", recorded, Mode.WINDOWS_ROLLUP, records, true);
            double plain = run("windows (per key only), alerts, samples", recorded, Mode.WINDOWS, records, true);
            System.out.printf(
                    "round %d: windows with roll-up at %.2f of no-op, without roll-up %.2f; target ≥ 100 000 records/s: %s%n%n",
                    round + 1, windows / noop, plain / noop, windows >= 100_000 ? "MET" : "MISSED");
        }
        return 0;
    }

    private enum Mode {
        NOOP,
        WINDOWS,
        WINDOWS_ROLLUP
    }

    private double run(String label, List<ShadowResult> recorded, Mode mode, long n, boolean print) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        DataStream<ShadowResult> replay = env.fromSequence(0, n - 1)
                .map(new ReplayShadowResults(
                        recorded, 12, Instant.parse("2026-11-27T00:00:00Z").toEpochMilli(), 1.0))
                .assignTimestampsAndWatermarks(
                        WatermarkStrategy.<ShadowResult>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                                .withTimestampAssigner((r, ts) -> r.eventTimeMillis()));
        if (mode == Mode.NOOP) {
            replay.sinkTo(new DiscardingSink<>());
        } else {
            var spec = new MonitorTopology.WindowSpec(
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(1),
                    mode == Mode.WINDOWS_ROLLUP,
                    3,
                    true,
                    2000,
                    AlertRule.defaults(),
                    3,
                    AlertMethod.CUSUM,
                    6,
                    mode != Mode.WINDOWS_ROLLUP);
            MonitorTopology.WindowOutputs out = MonitorTopology.windows(spec, replay);
            out.metrics().sinkTo(new DiscardingSink<>());
            out.alerts().sinkTo(new DiscardingSink<>());
            out.samples().sinkTo(new DiscardingSink<>());
        }
        long t0 = System.nanoTime();
        JobExecutionResult result = env.execute("bench " + label);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double rate = n / seconds;
        if (print) {
            System.out.printf("%-44s %,12.0f %10.2f%n", label, rate, seconds);
        }
        return rate;
    }

    private List<ShadowResult> record() {
        // The default configuration's four candidates, as the demo runs them.
        var config = ConfigLoader.load(
                null, List.of("reference.model=" + model, "engine.threads=2", "metrics.prometheus.enabled=false"));
        List<ShadowResult> out = new ArrayList<>();
        DemoTraffic traffic = new DemoTraffic(3, 64);
        try (ShadowRunner runner = new ShadowRunner(
                PipelineAssembly.pairs(config), 64, config.shadow().timeout())) {
            for (int i = 0; i < prompts; i++) {
                PromptEvent p = traffic.next(Instant.now());
                var identity = ShadowRecordMapping.identity(p);
                if (runner.shadow(p) instanceof ShadowOutcome.Shadowed s) {
                    s.outcomes().forEach(o -> out.add(o.result(identity)));
                }
            }
        }
        return out;
    }
}
