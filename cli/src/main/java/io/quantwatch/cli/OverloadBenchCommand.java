package io.quantwatch.cli;

import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.connectors.shadow.ShadowRunner;
import io.quantwatch.embedded.CheckpointStats;
import io.quantwatch.embedded.CheckpointWatch;
import io.quantwatch.embedded.CounterTotals;
import io.quantwatch.embedded.DemoTraffic;
import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.embedded.LocalFlinkEnvironment;
import io.quantwatch.embedded.TopicReader;
import io.quantwatch.job.MonitorJob;
import io.quantwatch.job.PipelineAssembly;
import io.quantwatch.job.RollupWindow;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.ShadowRecord;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch bench overload}: the monitor on the embedded broker and a MiniCluster with the bundled
 * model, offered far more prompts than its shadow stage serves. Prints, per minute, what was offered,
 * sampled, shadowed and shed, how long after their end windows came out, checkpoints and heap; then drains
 * the job (stop with savepoint at the end of event time) and checks that every prompt is accounted for.
 */
@Command(
        name = "overload",
        mixinStandardHelpOptions = true,
        description =
                "Sustained overload of the shadow stage: window freshness, checkpoints, heap and accounting, printed per minute.")
public final class OverloadBenchCommand implements Callable<Integer> {
    private static final List<String> SETTINGS = List.of(
            "sampling.rate=1",
            "sampling.per-tenant-per-second=1000",
            "sampling.max-per-second=100000",
            "sampling.burst=1000",
            "engine.max-tokens=64",
            "windows.size=60s",
            "windows.slide=20s",
            "windows.out-of-orderness=2s",
            "kafka.starting-offsets=earliest",
            "metrics.prometheus.port=0",
            "checkpoint-interval=10s");

    @Option(
            names = "--duration",
            defaultValue = "10min",
            description = "How long to offer load (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(
            names = "--rate",
            defaultValue = "0",
            description = "Prompts produced per second; 0 (default) offers 30 × the measured capacity, at least 30.")
    double rate;

    @Option(names = "--set", description = "Override one setting, e.g. --set shadow.max-delay=20s (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Duration runFor = TimeUtils.parseDuration(duration);
        EmbeddedKafka kafka = EmbeddedKafka.start();
        List<String> settings = new ArrayList<>(SETTINGS);
        settings.addAll(overrides);
        settings.add("kafka.bootstrap-servers=" + kafka.bootstrapServers());
        MonitorConfig c = ConfigLoader.load(null, settings);
        var t = c.topics();
        kafka.createTopics(t.names());
        double estimate = estimateCapacity(c);
        // 30×, not 20×: inside the job the candidates warm up further and run faster than this first estimate.
        double offeredRate = rate > 0 ? rate : Math.max(30, Math.ceil(30 * estimate));
        long boundMillis = c.windows()
                .size()
                .plus(c.windows().slide())
                .plus(c.windows().outOfOrderness())
                .plus(c.shadow().maxDelay())
                .toMillis();
        System.out.printf(
                "shadow capacity before the run (reference + %d candidates, 1 subtask): %.2f prompts/s; offering %.0f prompts/s (%.0f×)%n",
                c.candidates().size(), estimate, offeredRate, offeredRate / estimate);
        System.out.printf(
                "windows %s every %s, out-of-orderness %s, shadow.max-delay %s: freshness bound %d s; duration %s%n%n",
                c.windows().size(),
                c.windows().slide(),
                c.windows().outOfOrderness(),
                c.shadow().maxDelay(),
                boundMillis / 1000,
                runFor);

        CounterTotals counters =
                new CounterTotals(JvmMeterRegistry.get(c.metrics().settings()).registry());
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        Path savepoints = Files.createTempDirectory("quantwatch-bench-savepoints");
        LocalFlinkEnvironment flink = LocalFlinkEnvironment.create(2, conf);
        JobClient job = MonitorJob.start(flink.env(), c);
        CheckpointWatch checkpoints =
                new CheckpointWatch(flink.restUrl(), job.getJobID().toString());
        CountDownLatch stop = new CountDownLatch(1);
        Thread producer = new Thread(
                () -> DemoTraffic.publishUntil(kafka.bootstrapServers(), t.prompts(), offeredRate, stop),
                "bench-traffic");
        producer.setDaemon(true);
        producer.start();

        List<Double> freshness = new ArrayList<>();
        long heapStart = -1;
        long[] last = readings(counters);
        System.out.printf(
                "%6s %8s %8s %8s %8s %10s %10s %10s %7s %8s %8s %6s %9s%n",
                "minute",
                "offered",
                "sampled",
                "shadowed",
                "shed",
                "fresh p50",
                "fresh p99",
                "fresh max",
                "windows",
                "ckpt ok",
                "ckpt max",
                "failed",
                "heap MB");
        Instant start = Instant.now();
        try (TopicReader<DriftMetrics> windows =
                new TopicReader<>(kafka.bootstrapServers(), t.metrics(), DriftMetrics.class)) {
            for (int minute = 1; Duration.between(start, Instant.now()).compareTo(runFor) < 0; minute++) {
                List<Double> thisMinute = new ArrayList<>();
                Instant minuteEnd = start.plus(Duration.ofMinutes(minute));
                while (Instant.now().isBefore(minuteEnd)
                        && Duration.between(start, Instant.now()).compareTo(runFor) < 0) {
                    for (TopicReader.Timed<DriftMetrics> w : windows.pollTimed(Duration.ofSeconds(1))) {
                        if (w.value().getTask().equals(RollupWindow.ALL)) {
                            thisMinute.add((w.emittedMillis()
                                            - w.value().getWindowEnd().toEpochMilli())
                                    / 1000.0);
                        }
                    }
                }
                freshness.addAll(thisMinute);
                long heap = minute == 1 ? heapAfterGc() : usedHeap();
                if (minute == 1) {
                    heapStart = heap;
                }
                long[] now = readings(counters);
                CheckpointStats cp = checkpoints.latest();
                System.out.printf(
                        "%6d %8d %8d %8d %8d %10s %10s %10s %7d %8s %8s %6s %9d%n",
                        minute,
                        now[0] - last[0],
                        now[1] - last[1],
                        now[2] - last[2],
                        now[3] - last[3],
                        seconds(quantile(thisMinute, 0.5)),
                        seconds(quantile(thisMinute, 0.99)),
                        seconds(quantile(thisMinute, 1.0)),
                        thisMinute.size(),
                        cp == null ? "-" : cp.completed(),
                        cp == null ? "-" : cp.maxMillis() / 1000.0 + "s",
                        checkpoints.failedWhileRunning(),
                        heap >> 20);
                last = now;
            }
            long heapEnd = heapAfterGc();
            double capacity =
                    counters.gaugeMean("quantwatch.shadow.capacity"); // the stage's own measurement, before it closes
            stop.countDown();
            producer.join(5_000);
            CheckpointStats cp = checkpoints.latest();
            checkpoints.close();
            // Drain: the final watermark closes every period and window, so each prompt gets its decision.
            job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(5, TimeUnit.MINUTES);
            long[] end = readings(counters);
            Accounting accounting = account(c, kafka.bootstrapServers(), counters);
            double seconds = runFor.toMillis() / 1000.0;
            System.out.printf(
                    "%ntotal: offered %d, sampled %d, shadowed %d, shed %d, late %d, rejected %d; timeouts %d, errors %d%n",
                    end[0],
                    end[1],
                    end[2],
                    end[3],
                    counters.total("quantwatch.sampling", "decision", "late"),
                    counters.total("quantwatch.shadow.rejected"),
                    counters.total("quantwatch.shadow.timeouts"),
                    counters.total("quantwatch.shadow.errors"));
            System.out.printf(
                    "checkpoints: %s completed, %d failed or expired while running (%d failed to trigger while tasks"
                            + " deployed), duration p50 %s ms, max %s ms (interval %s)%s%n",
                    cp == null ? "-" : cp.completed(),
                    checkpoints.failedWhileRunning(),
                    checkpoints.failedAtStart(),
                    cp == null ? "-" : cp.p50Millis(),
                    cp == null ? "-" : cp.maxMillis(),
                    c.checkpointInterval(),
                    cp == null || cp.lastFailure().isEmpty() ? "" : "; last failure: " + cp.lastFailure());
            System.out.printf(
                    "heap after full GC: %d MB after minute 1, %d MB at the end%n", heapStart >> 20, heapEnd >> 20);
            System.out.println("accounting: " + accounting.detail());
            System.out.printf(
                    "overload: capacity_per_s=%.2f offered_per_s=%.1f freshness_p99_s=%.1f freshness_bound_s=%d checkpoints_failed=%s"
                            + " heap_growth=%.3f accounting=%s%n",
                    capacity,
                    end[0] / seconds,
                    quantile(freshness, 0.99),
                    boundMillis / 1000,
                    cp == null ? "unknown" : String.valueOf(checkpoints.failedWhileRunning()),
                    (heapEnd - heapStart) / (double) heapStart,
                    accounting.exact() ? "exact" : "BROKEN");
        } finally {
            stop.countDown();
            checkpoints.close();
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception alreadyDone) {
                // drained and finished: its MiniCluster is gone
            }
            kafka.close();
            JvmMeterRegistry.shutdown();
        }
        return 0;
    }

    /** The shadow stage's service rate measured outside the job: the configured candidates on demo prompts. */
    private static double estimateCapacity(MonitorConfig c) {
        DemoTraffic traffic = new DemoTraffic(11, c.engine().maxTokens());
        try (ShadowRunner runner = new ShadowRunner(
                PipelineAssembly.pairs(c), c.engine().maxTokens(), c.shadow().timeout())) {
            for (int i = 0; i < 8; i++) {
                runner.shadow(traffic.next(Instant.now())); // warm-up: JIT and model cache
            }
            int n = 16;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                runner.shadow(traffic.next(Instant.now()));
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Offered (valid prompts), sampled (passed the sampler), shadowed, shed. */
    private static long[] readings(CounterTotals m) {
        long admitted = m.total("quantwatch.sampling", "decision", "admitted");
        long shed = m.total("quantwatch.sampling", "decision", "over_capacity");
        long late = m.total("quantwatch.sampling", "decision", "late");
        return new long[] {
            m.total("quantwatch.prompts", "outcome", "valid"),
            admitted + shed + late,
            m.total("quantwatch.shadowed"),
            shed
        };
    }

    private record Accounting(boolean exact, String detail) {}

    /** After the drain: every valid prompt has exactly one decision, and the windows hold exactly the published records. */
    private static Accounting account(MonitorConfig c, String bootstrap, CounterTotals m) {
        long valid = m.total("quantwatch.prompts", "outcome", "valid");
        long decided = m.total("quantwatch.sampling", "decision", "other_model")
                + m.total("quantwatch.sampling", "decision", "not_sampled")
                + m.total("quantwatch.sampling", "decision", "duplicate")
                + m.total("quantwatch.sampling", "decision", "rate_limited")
                + m.total("quantwatch.sampling", "decision", "over_capacity")
                + m.total("quantwatch.sampling", "decision", "late")
                + m.total("quantwatch.shadowed")
                + m.total("quantwatch.shadow.rejected");
        long records;
        List<DriftMetrics> windows;
        try (TopicReader<ShadowRecord> r =
                        new TopicReader<>(bootstrap, c.topics().shadowRecords(), ShadowRecord.class);
                TopicReader<DriftMetrics> w =
                        new TopicReader<>(bootstrap, c.topics().metrics(), DriftMetrics.class)) {
            records = r.readRawToEnd().size();
            windows = w.readAll().stream()
                    .filter(x -> !x.getTask().equals(RollupWindow.ALL))
                    .toList();
        }
        long perRecord = c.windows().size().toMillis()
                / c.windows().slide().toMillis(); // sliding: each record is in this many windows
        long windowShadowed = windows.stream()
                .mapToLong(x -> x.getShadowed() == null ? 0 : x.getShadowed())
                .sum();
        long windowOffered = windows.stream()
                .mapToLong(x -> x.getOffered() == null ? 0 : x.getOffered())
                .sum();
        long candidates = c.candidates().size();
        long shadowed = m.total("quantwatch.shadowed");
        long shed = m.total("quantwatch.sampling", "decision", "over_capacity");
        boolean exact = valid == decided
                && records == candidates * shadowed
                && windowShadowed == perRecord * records
                && windowOffered == perRecord * candidates * (shadowed + shed);
        return new Accounting(
                exact,
                String.format(
                        "valid %d = decided %d; shadow records %d = %d candidates × %d shadowed;"
                                + " windows' shadowed %d = %d × records; windows' offered %d = %d × %d × (shadowed + shed %d)",
                        valid,
                        decided,
                        records,
                        candidates,
                        shadowed,
                        windowShadowed,
                        perRecord,
                        windowOffered,
                        perRecord,
                        candidates,
                        shed));
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return usedHeap();
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static double quantile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(
                sorted.size() - 1, Math.ceil(q * sorted.size()) - 1 < 0 ? 0 : Math.ceil(q * sorted.size()) - 1));
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "-" : String.format("%.1fs", s);
    }
}
