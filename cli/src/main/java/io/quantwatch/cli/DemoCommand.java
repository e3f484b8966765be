package io.quantwatch.cli;

import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.embedded.DemoTraffic;
import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.job.MonitorJob;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch demo}: everything in one JVM — a KRaft Kafka broker, demo traffic from the
 * bundled model's task families (with some malformed records), the monitor on a Flink MiniCluster
 * with the F16 reference and four candidates, and a live table; stops on Ctrl-C or {@code --duration}.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Run the monitor on an embedded Kafka broker and Flink MiniCluster with demo traffic and a live table.")
public final class DemoCommand implements Runnable {
    private static final List<String> DEMO_SETTINGS = List.of(
            "sampling.rate=0.5",
            "sampling.per-tenant-per-second=2",
            "engine.max-tokens=64",
            "windows.size=60s",
            "windows.slide=20s",
            "windows.out-of-orderness=2s",
            "kafka.starting-offsets=earliest",
            // Besides the defaults: page when more than 10 % of answers change (confidently), so the demo shows alerts.
            "alerts.rules=[{name: answers-changed, metric: identical-rate, direction: below, threshold: 0.9, hysteresis: 0.03, min-samples: 30}]");

    @Option(names = "--duration", description = "Stop after this long (e.g. 90s, 5min); default: until Ctrl-C.")
    String duration;

    @Option(
            names = "--rate",
            defaultValue = "2",
            description = "Prompts produced per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--refresh", defaultValue = "5s", description = "Live table refresh (default: ${DEFAULT-VALUE}).")
    String refresh;

    @Option(
            names = "--config",
            description = "YAML file over the demo settings (the broker address is always the embedded one).")
    Path config;

    @Option(names = "--set", description = "Override one setting, e.g. --set sampling.rate=1 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Override
    public void run() {
        Duration stopAfter = duration == null ? null : TimeUtils.parseDuration(duration);
        Duration every = TimeUtils.parseDuration(refresh);
        if (!(rate > 0 && rate <= 1000)) {
            throw new IllegalArgumentException("--rate must be in (0, 1000] prompts per second, got " + rate);
        }
        PrintStream out = System.out;
        out.println("quantwatch demo: starting an in-process Kafka broker (KRaft) ...");
        EmbeddedKafka kafka = EmbeddedKafka.start();
        List<String> settings = new ArrayList<>(DEMO_SETTINGS);
        // A fresh secret salt per demo (its broker lives as long as it does); --set sampling.salt=… overrides it.
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        settings.add("sampling.salt=" + java.util.HexFormat.of().formatHex(salt));
        settings.addAll(overrides);
        settings.add("kafka.bootstrap-servers=" + kafka.bootstrapServers());
        MonitorConfig c = ConfigLoader.load(config, settings);
        var t = c.topics();
        kafka.createTopics(t.names());
        JvmMeterRegistry meters = JvmMeterRegistry.get(c.metrics().settings());
        out.printf(
                "broker %s · topics %s → %s, %s, %s, %s · Prometheus %s%n",
                kafka.bootstrapServers(),
                t.prompts(),
                t.metrics(),
                t.alerts(),
                t.samples(),
                t.deadLetters(),
                meters.scrapeUrl() == null ? "off" : meters.scrapeUrl());
        out.printf(
                "reference %s (F16) · candidates %s · windows %s · sampling %.0f %% of ids, ≤ %.1f/s per tenant%n",
                c.reference().model(),
                c.candidateRecipes(),
                TimeUtils.formatWithHighestUnit(c.windows().size()) + " every "
                        + TimeUtils.formatWithHighestUnit(c.windows().slide()),
                c.sampling().rate() * 100,
                c.sampling().perTenantPerSecond());

        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C: ask the main thread to stop, and keep the JVM alive until it has cancelled the job and closed the
        // broker.
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        stopped.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "quantwatch-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Thread producer = new Thread(
                () -> DemoTraffic.publishUntil(kafka.bootstrapServers(), t.prompts(), rate, stop),
                "quantwatch-demo-traffic");
        producer.setDaemon(true);
        JobClient job = null;
        io.quantwatch.review.ReviewApp review = null;
        try {
            review = startReviewPage(kafka, c);
            out.printf("review page %s (SQLite %s)%n", review.url(), review.database());
            Configuration flink = new Configuration();
            flink.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
            job = MonitorJob.start(env, c);
            producer.start();
            out.printf(
                    "job %s running on a Flink MiniCluster; producing %.1f prompts/s; Ctrl-C stops.%n",
                    job.getJobID(), rate);
            try (LiveTable table = new LiveTable(
                    kafka.bootstrapServers(),
                    t.metrics(),
                    t.alerts(),
                    t.samples(),
                    meters.registry(),
                    new ArrayList<>(c.candidateRecipes().keySet()),
                    out)) {
                Instant end = stopAfter == null ? Instant.MAX : Instant.now().plus(stopAfter);
                while (!stop.await(every.toMillis(), TimeUnit.MILLISECONDS)
                        && Instant.now().isBefore(end)) {
                    if (job.getJobStatus().get().isGloballyTerminalState()) {
                        out.println("the job stopped: " + job.getJobStatus().get());
                        break;
                    }
                    table.refresh();
                }
                table.refresh();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("the demo failed: " + e.getMessage(), e);
        } finally {
            stop.countDown();
            out.println("quantwatch demo: stopping ...");
            if (job != null) {
                try {
                    job.cancel().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    out.println("could not cancel the job cleanly: " + e.getMessage());
                }
            }
            if (review != null) {
                try {
                    review.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            kafka.close();
            JvmMeterRegistry.shutdown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Ctrl-C: the hook is running.
            }
            out.println("quantwatch demo: stopped.");
            stopped.countDown();
        }
    }

    /**
     * The review page beside the demo: the embedded broker's drift topics into a SQLite file under a temporary
     * directory, on a free loopback port.
     */
    private static io.quantwatch.review.ReviewApp startReviewPage(EmbeddedKafka kafka, MonitorConfig c) {
        Path data;
        try {
            data = java.nio.file.Files.createTempDirectory("quantwatch-demo-review");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the demo's review directory", e);
        }
        var t = c.topics();
        return io.quantwatch.review.ReviewApp.start(new io.quantwatch.review.ReviewApp.Settings(
                java.util.Map.of("bootstrap.servers", kafka.bootstrapServers()),
                "quantwatch-demo-review",
                true,
                new io.quantwatch.review.ingest.ReviewIngestion.Topics(t.samples(), t.metrics(), t.alerts()),
                io.quantwatch.review.store.ReviewStore.sqliteUrl(data),
                null,
                null,
                new io.quantwatch.review.web.ReviewServer.Settings("127.0.0.1", 0, null),
                Duration.ofDays(1),
                c.schemaRegistry().settings()));
    }
}
