package io.quantwatch.cli;

import io.quantwatch.job.CheckpointResume;
import io.quantwatch.job.MonitorJob;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch run}: the monitor against any Kafka. Run directly it starts a local MiniCluster;
 * under {@code flink run quantwatch.jar run --config …} the same code submits to the cluster.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the drift monitor against a Kafka cluster.")
public final class RunCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", description = "YAML configuration (keys you leave out keep their defaults).")
    Path config;

    @Option(
            names = "--set",
            description = "Override one setting, e.g. --set kafka.bootstrap-servers=broker:9092 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(
            names = "--until-end",
            description = "Stop at the prompts topic's current end instead of running forever (replays).")
    boolean untilEnd;

    @Option(names = "--print-config", description = "Print the effective configuration and exit.")
    boolean printConfig;

    @Option(
            names = "--from-savepoint",
            description = "Restore this savepoint or checkpoint; default: the newest one under checkpoint-dir.")
    String fromSavepoint;

    @Override
    public void run() {
        MonitorConfig c = ConfigLoader.load(config, overrides);
        if (printConfig) {
            spec.commandLine().getOut().print(ConfigLoader.toYaml(c));
            spec.commandLine().getOut().flush();
            return;
        }
        MonitorJob.requireSamplingSalt(c);
        MonitorJob.checkKafkaAccess(c);
        MonitorJob.checkSchemaRegistryAccess(c);
        boolean durable = c.checkpointDir() != null && !c.checkpointDir().isBlank();
        Configuration conf = new Configuration();
        Optional<String> restore = fromSavepoint != null
                ? Optional.of(fromSavepoint)
                : durable ? CheckpointResume.latest(c.checkpointDir()).map(Path::toString) : Optional.empty();
        restore.ifPresent(path -> {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, path);
            System.err.println("quantwatch run: resuming from " + path);
        });
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            if (env instanceof LocalStreamEnvironment && durable && !untilEnd) {
                runLocallyUntilStopped(env, c);
            } else {
                MonitorJob.execute(env, c, untilEnd);
            }
        } catch (Exception e) {
            throw new IllegalStateException("the monitor job failed: " + e.getMessage(), e);
        }
    }

    /** On this JVM's MiniCluster: Ctrl-C or SIGTERM stops the job with a savepoint, from which the next start resumes. */
    private static void runLocallyUntilStopped(StreamExecutionEnvironment env, MonitorConfig c) throws Exception {
        JobClient job = MonitorJob.start(env, c);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    try {
                        String path = job.stopWithSavepoint(
                                        false, MonitorJob.savepointDir(c), SavepointFormatType.CANONICAL)
                                .get(2, TimeUnit.MINUTES);
                        System.err.println(
                                "quantwatch run: stopped with savepoint " + path + " (the next start resumes from it)");
                    } catch (Exception e) {
                        System.err.println("quantwatch run: could not take a savepoint (" + e.getMessage()
                                + "); the next start resumes from the" + " newest checkpoint under "
                                + c.checkpointDir());
                    } finally {
                        stopped.countDown();
                    }
                },
                "quantwatch-run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            job.getJobExecutionResult().get();
        } catch (Exception e) {
            if (stopped.getCount() == 0) {
                return; // stopped by the hook
            }
            throw e;
        }
    }
}
