package io.quantwatch.job;

import io.quantwatch.connectors.kafka.AvroSingleObjectSerializer;
import io.quantwatch.connectors.kafka.RawPromptRecord;
import io.quantwatch.connectors.shadow.ScriptedPipelines;
import io.quantwatch.connectors.shadow.ScriptedPipelines.Script;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.embedded.LocalFlinkEnvironment;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.PromptEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The committed savepoint fixture ({@code src/test/resources/savepoints/mid-window-v1}): the whole topology fed a
 * fixed sequence of prompts whose event times are fixed instants, stopped with a savepoint while its first windows
 * are open. {@link #main} records it (run it only when the state layout changes on purpose, and say so in the
 * commit); {@code MidWindowSavepointRestoreTest} restores it with the current build.
 */
final class MidWindowSavepoint {
    static final String RESOURCE = "savepoints/mid-window-v1";
    static final int PROMPTS = 600;
    static final int CANDIDATES = 2;
    static final Instant FIRST_EVENT = Instant.parse("2026-11-28T12:00:00Z");
    static final long SPACING_MILLIS = 100;
    static final long WINDOW_MILLIS = 20_000;
    /** Every prompt whose index is a multiple of this fails in the candidate named {@code failing}. */
    static final int FAIL_EVERY = 25;
    /** The recorder stops once this many prompts were released (8 s of event time: inside the first window). */
    static final int RELEASED_AT_SAVEPOINT = 80;

    private MidWindowSavepoint() {}

    static MonitorConfig config() {
        return ConfigLoader.load(
                null,
                ShadowEveryPrompt.settings(
                        "candidates=[{name: steady, backend: engine, recipe: reference},"
                                + " {name: failing, backend: engine, recipe: reference}]",
                        "windows.size=20s",
                        "windows.slide=20s",
                        "windows.out-of-orderness=1s",
                        // The fixture's event times are fixed instants: accept them however old they are.
                        "windows.max-age=36500d",
                        "shadow.max-delay=5s",
                        // A fixed capacity far above the scripted pipelines' needs: nothing is shed, so every window's
                        // counts are known in advance (a measured capacity sheds part of the restored burst).
                        "shadow.capacity-per-second=100000",
                        "shadow.timeout=5s",
                        "metrics.prometheus.port=0",
                        "checkpoint-interval=1s"));
    }

    static ShadowPipelineFactory pipelines() {
        return () -> {
            Map<String, ShadowPipelines> m = new LinkedHashMap<>();
            m.put("steady", new ScriptedPipelines(Script.healthy()));
            m.put("failing", new ScriptedPipelines(new Script(0, true, false, false)));
            return m;
        };
    }

    /** The fixture job on {@code env}: prompts released at {@code perSecond} (0: as fast as possible). */
    static void define(StreamExecutionEnvironment env, String sinkPrefix, double perSecond) {
        MonitorConfig c = config();
        var raw = env.fromSequence(0, PROMPTS - 1)
                .uid("fixture-sequence")
                .setParallelism(1)
                .map(new FixedPrompts(perSecond))
                .uid("fixture-prompts")
                .setParallelism(1);
        MonitorTopology.Outputs out = MonitorTopology.build(c, raw, pipelines());
        out.shadowRecords().sinkTo(new CollectingSink<>(sinkPrefix + "records")).uid("fixture-records");
        out.metrics().sinkTo(new CollectingSink<>(sinkPrefix + "metrics")).uid("fixture-metrics");
        out.alerts().sinkTo(new CollectingSink<>(sinkPrefix + "alerts")).uid("fixture-alerts");
        out.deadLetters()
                .sinkTo(new CollectingSink<>(sinkPrefix + "dead-letters"))
                .uid("fixture-dead-letters");
    }

    static long eventTime(long i) {
        return FIRST_EVENT.toEpochMilli() + i * SPACING_MILLIS;
    }

    static String tenant(long i) {
        return "tenant-" + (i % 3);
    }

    static String task(long i) {
        return i % 2 == 0 ? "chat" : "tool_call";
    }

    static boolean fails(long i) {
        return i % FAIL_EVERY == 0;
    }

    /** Prompt {@code i}: fixed event time, tenant and task; paced when recording so the savepoint falls mid-window. */
    static final class FixedPrompts implements MapFunction<Long, RawPromptRecord> {
        private static final long serialVersionUID = 1L;
        private static final AvroSingleObjectSerializer<PromptEvent> BYTES =
                new AvroSingleObjectSerializer<>(PromptEvent.class);
        static final AtomicLong RELEASED = new AtomicLong();

        private final double perSecond;
        private transient long start;

        FixedPrompts(double perSecond) {
            this.perSecond = perSecond;
        }

        @Override
        public RawPromptRecord map(Long i) throws InterruptedException {
            if (perSecond > 0) {
                if (start == 0) {
                    start = System.currentTimeMillis();
                }
                long wait = start + (long) (RELEASED.get() / perSecond * 1000) - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
            RELEASED.incrementAndGet();
            String text = "question " + i + " about " + tenant(i) + (fails(i) ? " " + ScriptedPipelines.FAIL : "");
            PromptEvent e = PromptEvent.newBuilder()
                    .setRequestId("req-" + i)
                    .setTenant(tenant(i))
                    .setModel("m")
                    .setTask(task(i))
                    .setPrompt(text)
                    .setEventTime(Instant.ofEpochMilli(eventTime(i)))
                    .setMaxTokens(16)
                    .build();
            byte[] key = ("req-" + i).getBytes(StandardCharsets.UTF_8);
            return new RawPromptRecord("prompts", 0, i, eventTime(i), key, BYTES.serialize(e));
        }
    }

    /**
     * Records the fixture into {@code args[0]} (plain {@code java}, not {@code exec:java}, whose class loader Flink's
     * job submission rejects): {@code mvn -pl jobs test-compile dependency:build-classpath -Dmdep.includeScope=test
     * -Dmdep.outputFile=/tmp/cp}, then {@code java -cp jobs/target/test-classes:jobs/target/classes:$(cat /tmp/cp)
     * io.quantwatch.job.MidWindowSavepoint jobs/src/test/resources/savepoints/mid-window-v1}.
     */
    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]);
        Path scratch = Files.createTempDirectory("qw-savepoint");
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = LocalFlinkEnvironment.create(1, conf).env();
        env.enableCheckpointing(config().checkpointInterval().toMillis());
        define(env, "record-", 20);
        JobClient job = env.executeAsync("mid-window savepoint fixture");
        while (FixedPrompts.RELEASED.get() < RELEASED_AT_SAVEPOINT) {
            Thread.sleep(20);
        }
        String savepoint = job.stopWithSavepoint(false, scratch.toUri().toString(), SavepointFormatType.CANONICAL)
                .get();
        Path from = Path.of(java.net.URI.create(savepoint));
        if (Files.exists(target)) {
            try (Stream<Path> old = Files.list(target)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, target.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Properties facts = new Properties();
        facts.setProperty("released", String.valueOf(FixedPrompts.RELEASED.get()));
        facts.setProperty(
                "records-before",
                String.valueOf(CollectingSink.values("record-records").size()));
        facts.setProperty(
                "windows-before",
                String.valueOf(CollectingSink.values("record-metrics").size()));
        try (OutputStream o = Files.newOutputStream(target.resolve("fixture.properties"))) {
            facts.store(o, "what the recorder saw when it stopped the job with this savepoint");
        }
        System.out.println("savepoint " + savepoint + " copied to " + target + ": " + facts);
        System.exit(0);
    }

    static Properties facts(Path dir) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(dir.resolve("fixture.properties"))) {
            p.load(in);
        }
        return p;
    }
}
