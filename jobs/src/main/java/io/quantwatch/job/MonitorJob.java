package io.quantwatch.job;

import io.quantwatch.job.config.MonitorConfig;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Assembles the whole monitor on an environment: Kafka in, topology, Kafka and Micrometer out.
 * The same code runs on a MiniCluster ({@code quantwatch demo}, tests) and on a Flink cluster
 * ({@code flink run quantwatch.jar run --config …}).
 */
public final class MonitorJob {
    public static final String NAME = "quantwatch drift monitor";

    private MonitorJob() {
    }

    /** Builds the job graph on {@code env} (checkpointing and serializers included) without starting it. */
    public static void define(StreamExecutionEnvironment env, MonitorConfig c, boolean stopAtLatest) {
        env.enableCheckpointing(c.checkpointInterval().toMillis());
        MonitorTopology.Outputs out = MonitorTopology.build(c, KafkaWiring.prompts(env, c, stopAtLatest));
        KafkaWiring.publish(c, out);
    }

    public static JobExecutionResult execute(StreamExecutionEnvironment env, MonitorConfig c, boolean stopAtLatest) throws Exception {
        define(env, c, stopAtLatest);
        return env.execute(NAME);
    }

    public static JobClient start(StreamExecutionEnvironment env, MonitorConfig c) throws Exception {
        define(env, c, false);
        return env.executeAsync(NAME);
    }
}
