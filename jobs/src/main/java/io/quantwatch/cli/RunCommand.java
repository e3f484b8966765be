package io.quantwatch.cli;

import io.quantwatch.job.MonitorJob;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = "--set", description = "Override one setting, e.g. --set kafka.bootstrap-servers=broker:9092 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--until-end", description = "Stop at the prompts topic's current end instead of running forever (replays).")
    boolean untilEnd;

    @Option(names = "--print-config", description = "Print the effective configuration and exit.")
    boolean printConfig;

    @Override
    public void run() {
        MonitorConfig c = ConfigLoader.load(config, overrides);
        if (printConfig) {
            spec.commandLine().getOut().print(ConfigLoader.toYaml(c));
            spec.commandLine().getOut().flush();
            return;
        }
        try {
            MonitorJob.execute(StreamExecutionEnvironment.getExecutionEnvironment(), c, untilEnd);
        } catch (Exception e) {
            throw new IllegalStateException("the monitor job failed: " + e.getMessage(), e);
        }
    }
}
