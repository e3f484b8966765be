package io.quantwatch.cli.faults;

import io.quantwatch.embedded.CheckpointStats;
import io.quantwatch.embedded.DemoTraffic;
import io.quantwatch.embedded.TopicReader;
import io.quantwatch.schemas.DriftAlert;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.schemas.ShadowRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch bench faults}: the job jar on the {@code deploy/local} multi-process cluster (Kafka, a JobManager,
 * two TaskManagers, exactly-once sinks, checkpoints every 5 s), prompts with known request ids at a steady rate, one
 * TaskManager killed with SIGKILL at different phases of a window and started again; then every output topic is read
 * {@code read_committed} and audited ({@link FaultAudit}). Prints recovery per kill and ends with
 * {@code faults: kills=… lost=… duplicated=… recovery_s_max=…}.
 */
@Command(
        name = "faults",
        mixinStandardHelpOptions = true,
        description = "TaskManagers killed mid-window on a local multi-process Flink cluster: nothing lost or doubled?")
public final class FaultBenchCommand implements Callable<Integer> {
    static final String MODEL = DemoTraffic.MODEL;
    static final List<String> CANDIDATES = List.of("int8-sym", "int4-sym-g128");
    static final long WINDOW_MILLIS = 20_000;

    @Option(names = "--kills", defaultValue = "2", description = "TaskManager kills (default: ${DEFAULT-VALUE}).")
    int kills;

    @Option(
            names = "--seconds-between-kills",
            defaultValue = "40",
            description = "Traffic between two kills, and before the first (default: ${DEFAULT-VALUE}).")
    int between;

    @Option(
            names = "--down-seconds",
            defaultValue = "5",
            description =
                    "How long a killed TaskManager stays down before it is started again (default: ${DEFAULT-VALUE}).")
    int down;

    @Mixin
    ClusterRunOptions options = new ClusterRunOptions();

    /** One kill and what it cost. */
    public record Kill(int taskManager, double windowPhase, double runningAgainSeconds, double recoverySeconds) {}

    /** Everything one run measured. */
    public record Outcome(
            List<Kill> kills, FaultAudit.Result audit, long produced, long replayed, CheckpointStats checkpoints) {
        public double recoveryMax() {
            return kills.stream().mapToDouble(Kill::recoverySeconds).max().orElse(Double.NaN);
        }

        public String summary() {
            return String.format(
                    "faults: kills=%d lost=%d duplicated=%d recovery_s_max=%.1f replayed=%d windows=%d prompts=%d",
                    kills.size(),
                    audit.lost(),
                    audit.duplicated(),
                    recoveryMax(),
                    replayed,
                    audit.windowsChecked(),
                    audit.promptsChecked());
        }
    }

    @Override
    public Integer call() throws Exception {
        Outcome o = run();
        return o.audit().lost() == 0 && o.audit().duplicated() == 0 ? 0 : 1;
    }

    /** Runs the whole scenario and prints its figures; the summary line last. */
    public Outcome run() throws Exception {
        Path runDir = Files.createTempDirectory("qw-faults");
        List<FaultAudit.Produced> produced = Collections.synchronizedList(new ArrayList<>());
        List<Kill> done = new ArrayList<>();
        try (LocalCluster cluster = new LocalCluster(options.deployDir, runDir)) {
            long t0 = System.currentTimeMillis();
            cluster.start(2);
            String job = cluster.submit(List.of(), options.setArgs());
            System.out.printf(
                    "cluster up and job %s submitted in %.1f s (run directory %s)%n",
                    job, (System.currentTimeMillis() - t0) / 1e3, runDir);
            awaitFirstCheckpoint(cluster, job);
            try (Traffic traffic = new Traffic(cluster.bootstrapServers(), options.rate, produced)) {
                traffic.start();
                double[] phases = {0.3, 0.85, 0.55, 0.1};
                for (int i = 0; i < kills; i++) {
                    Thread.sleep(between * 1000L);
                    double phase = phases[i % phases.length];
                    waitForPhase(phase);
                    int tm = 1 + i % 2;
                    done.add(killAndRecover(cluster, job, tm, phase));
                }
                // Traffic after the last kill, and on until the last audited window is out (its watermark needs it).
                Thread.sleep(between * 1000L);
                long cutoff = windowEnd(System.currentTimeMillis());
                awaitWindows(cluster, cutoff);
                traffic.stop();
                CheckpointStats checkpoints =
                        CheckpointStats.read(cluster.restUrl(), job).orElse(null);
                Outcome o = audit(cluster, produced, done, cutoff, checkpoints);
                print(o);
                return o;
            }
        } finally {
            if (!options.keep) {
                deleteTree(runDir);
            }
        }
    }

    static void awaitFirstCheckpoint(LocalCluster cluster, String job) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 180_000;
        while (cluster.latestCompleted(job).isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("no checkpoint completed within 180 s; logs in " + cluster.runDir());
            }
            Thread.sleep(500);
        }
    }

    static void waitForPhase(double phase) throws InterruptedException {
        long now = System.currentTimeMillis();
        long target = now - Math.floorMod(now, WINDOW_MILLIS) + (long) (phase * WINDOW_MILLIS);
        if (target < now) {
            target += WINDOW_MILLIS;
        }
        Thread.sleep(target - now);
    }

    private Kill killAndRecover(LocalCluster cluster, String job, int tm, double phase) throws InterruptedException {
        long before =
                cluster.latestCompleted(job).map(LocalCluster.Checkpoint::id).orElse(-1L);
        long killed = System.currentTimeMillis();
        cluster.killTaskManager(tm);
        System.out.printf("kill -9 taskmanager-%d at %.0f %% of a window%n", tm, phase * 100);
        Thread.sleep(down * 1000L);
        cluster.startTaskManager(tm);
        double running = Double.NaN;
        long deadline = killed + 300_000;
        while (System.currentTimeMillis() < deadline) {
            if (Double.isNaN(running)
                    && cluster.jobState(job).filter("RUNNING"::equals).isPresent()
                    && System.currentTimeMillis() - killed > down * 1000L) {
                running = (System.currentTimeMillis() - killed) / 1e3;
            }
            var latest = cluster.latestCompleted(job);
            if (latest.isPresent() && latest.get().id() > before && latest.get().triggerMillis() > killed) {
                double recovery = (latest.get().ackMillis() - killed) / 1e3;
                System.out.printf(
                        "  running again after %.1f s, next checkpoint (%d) completed %.1f s after the kill%n",
                        running, latest.get().id(), recovery);
                return new Kill(tm, phase, running, recovery);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "no checkpoint completed within 300 s of the kill; logs in " + cluster.runDir());
    }

    static long windowEnd(long t) {
        return t - Math.floorMod(t, WINDOW_MILLIS);
    }

    /** Waits until every candidate's roll-up of the window ending at {@code cutoff} is committed (at most 3 min). */
    static void awaitWindows(LocalCluster cluster, long cutoff) {
        long deadline = System.currentTimeMillis() + 180_000;
        Set<String> closed = new HashSet<>();
        try (TopicReader<DriftMetrics> metrics =
                new TopicReader<>(cluster.bootstrapServers(), "drift-metrics", DriftMetrics.class)) {
            while (System.currentTimeMillis() < deadline && closed.size() < CANDIDATES.size()) {
                for (DriftMetrics m : metrics.poll(Duration.ofSeconds(1))) {
                    if (m.getWindowEnd().toEpochMilli() >= cutoff && "*".equals(m.getTask())) {
                        closed.add(m.getCandidate());
                    }
                }
            }
        }
        if (closed.size() < CANDIDATES.size()) {
            System.out.println("the windows ending at the cutoff did not all come out within 180 s: auditing what did");
        }
    }

    static Outcome audit(
            LocalCluster cluster,
            List<FaultAudit.Produced> produced,
            List<Kill> kills,
            long cutoff,
            CheckpointStats checkpoints) {
        String bootstrap = cluster.bootstrapServers();
        List<FaultAudit.Window> windows = new ArrayList<>();
        try (var r = new TopicReader<>(bootstrap, "drift-metrics", DriftMetrics.class)) {
            for (DriftMetrics m : r.readAll()) {
                windows.add(new FaultAudit.Window(
                        m.getModel(),
                        m.getCandidate(),
                        m.getTask(),
                        m.getTenant(),
                        m.getWindowEnd().toEpochMilli(),
                        m.getOffered(),
                        m.getShadowed()));
            }
        }
        List<FaultAudit.Record> records = new ArrayList<>();
        try (var r = new TopicReader<>(bootstrap, "shadow-records", ShadowRecord.class)) {
            for (ShadowRecord s : r.readAll()) {
                records.add(new FaultAudit.Record(s.getRequestId(), s.getCandidate()));
            }
        }
        List<FaultAudit.Alert> alerts = new ArrayList<>();
        try (var r = new TopicReader<>(bootstrap, "drift-alerts", DriftAlert.class)) {
            for (DriftAlert a : r.readAll()) {
                alerts.add(new FaultAudit.Alert(
                        a.getRule(),
                        a.getState().name(),
                        a.getModel(),
                        a.getCandidate(),
                        a.getTask(),
                        a.getTenant(),
                        a.getWindowEnd().toEpochMilli()));
            }
        }
        long replayed = writtenTwice(bootstrap, "shadow-records");
        FaultAudit.Result result = FaultAudit.audit(
                MODEL, CANDIDATES, WINDOW_MILLIS, cutoff, List.copyOf(produced), windows, records, alerts);
        return new Outcome(List.copyOf(kills), result, produced.size(), replayed, checkpoints);
    }

    /**
     * Shadow records written to the log more than once, aborted copies included ({@code read_uncommitted}): the
     * outputs a failed attempt wrote before its transaction was aborted and the restored attempt wrote again. Records
     * of the transaction still open at reading time appear once and are not counted.
     */
    private static long writtenTwice(String bootstrap, String topic) {
        try (var r = new TopicReader<>(bootstrap, topic, ShadowRecord.class, false)) {
            List<ShadowRecord> written = r.readAll();
            long distinct = written.stream()
                    .map(s -> s.getRequestId() + "/" + s.getCandidate())
                    .distinct()
                    .count();
            return written.size() - distinct;
        }
    }

    private static void print(Outcome o) {
        System.out.printf(
                "%-6s %-14s %-8s %-22s %-30s%n",
                "kill", "taskmanager", "phase", "running again (s)", "next checkpoint after kill (s)");
        for (int i = 0; i < o.kills().size(); i++) {
            Kill k = o.kills().get(i);
            System.out.printf(
                    "%-6d %-14s %-8s %-22.1f %-30.1f%n",
                    i + 1,
                    "taskmanager-" + k.taskManager(),
                    Math.round(k.windowPhase() * 100) + " %",
                    k.runningAgainSeconds(),
                    k.recoverySeconds());
        }
        FaultAudit.Result a = o.audit();
        System.out.printf(
                "produced %d prompts; audited %d prompts in %d windows: lost %d, duplicated %d (windows twice %d, records"
                        + " twice %d, alerts twice %d, roll-up mismatches %d, alerts without window %d)%n",
                o.produced(),
                a.promptsChecked(),
                a.windowsChecked(),
                a.lost(),
                a.duplicated(),
                a.duplicateWindows(),
                a.duplicateRecords(),
                a.duplicateAlerts(),
                a.rollupMismatches(),
                a.alertsWithoutWindow());
        System.out.printf(
                "shadowed %d of %d prompt × candidate (the rest shed by admission)%n",
                a.shadowed(), a.promptsChecked() * CANDIDATES.size());
        System.out.printf(
                "shadow records written twice to the log (an aborted copy, then the replay): %d%n", o.replayed());
        CheckpointStats c = o.checkpoints();
        if (c != null) {
            System.out.printf(
                    "checkpoints: %d completed, %d failed; end-to-end p50 %d ms, max %d ms%n",
                    c.completed(), c.failed(), c.p50Millis(), c.maxMillis());
        }
        a.problems().stream().limit(20).forEach(p -> System.out.println("  problem: " + p));
        System.out.println(o.summary());
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Prompts with known request ids at a steady rate, produced idempotently, each remembered with its event time. */
    static final class Traffic implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final double perSecond;
        private final List<FaultAudit.Produced> produced;
        private final DemoTraffic prompts = new DemoTraffic(14, 16);
        private volatile boolean running = true;
        private Thread thread;

        Traffic(String bootstrap, double perSecond, List<FaultAudit.Produced> produced) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            this.producer = new KafkaProducer<>(p);
            this.perSecond = perSecond;
            this.produced = produced;
        }

        void start() {
            thread = new Thread(this::produce, "fault-traffic");
            thread.start();
        }

        private void produce() {
            long start = System.currentTimeMillis();
            for (long i = 0; running; i++) {
                long due = start + (long) (i / perSecond * 1000);
                long wait = due - System.currentTimeMillis();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                long now = System.currentTimeMillis();
                PromptEvent e = prompts.next(Instant.ofEpochMilli(now));
                e.setRequestId("fault-" + i);
                byte[] key = e.getRequestId().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>("prompts", null, now, key, DemoTraffic.encode(e, false)));
                produced.add(new FaultAudit.Produced(e.getRequestId(), now, e.getTenant(), e.getTask()));
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            producer.flush();
        }

        @Override
        public void close() throws InterruptedException {
            if (thread != null && thread.isAlive()) {
                stop();
            }
            producer.close();
        }
    }
}
