package io.quantwatch.job;

import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.registry.SchemaRegistryClient;
import io.quantwatch.registry.SchemaRegistryException;
import io.quantwatch.security.KafkaAccessCheck;
import io.quantwatch.security.SecretReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Assembles the whole monitor on an environment: Kafka in, topology, Kafka and Micrometer out.
 * The same code runs on a MiniCluster ({@code quantwatch demo}, {@code quantwatch run}, tests) and on a Flink
 * cluster from the slim job jar ({@code flink run quantwatch-job.jar --config … [--set key=value …]}, {@link #main}).
 */
public final class MonitorJob {
    public static final String NAME = "quantwatch drift monitor";
    private static final Duration KAFKA_ACCESS_TIMEOUT = Duration.ofSeconds(30);

    private MonitorJob() {}

    /** Builds the job graph on {@code env} (checkpointing and serializers included) without starting it. */
    public static void define(StreamExecutionEnvironment env, MonitorConfig c, boolean stopAtLatest) {
        env.enableCheckpointing(c.checkpointInterval().toMillis());
        // Every state and stream type has an explicit serializer: a type that would fall back to Kryo fails the build
        // of
        // the job graph instead of silently writing state a later build may not read.
        Configuration serialization = new Configuration();
        serialization.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(serialization, MonitorJob.class.getClassLoader());
        if (c.checkpointDir() != null && !c.checkpointDir().isBlank()) {
            Configuration storage = new Configuration();
            storage.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, c.checkpointDir());
            storage.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepointDir(c));
            // Kept when the job is cancelled or fails for good, so the next start resumes from them.
            storage.set(
                    CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
            env.configure(storage, MonitorJob.class.getClassLoader());
        }
        MonitorTopology.Outputs out = MonitorTopology.build(c, KafkaWiring.prompts(env, c, stopAtLatest));
        KafkaWiring.publish(c, out);
    }

    /**
     * The job jar's entry point under {@code flink run}: {@code --config FILE} (optional) and any number of
     * {@code --set key.path=value}, as {@code quantwatch run} takes them; the cluster's environment runs it.
     */
    public static void main(String[] args) throws Exception {
        Path config = null;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length || !(flag.equals("--config") || flag.equals("--set"))) {
                throw new IllegalArgumentException(
                        "usage: flink run quantwatch-job.jar [--config FILE] [--set key.path=value]…;" + " got '" + flag
                                + "'");
            }
            if (flag.equals("--config")) {
                config = Path.of(args[++i]);
            } else {
                overrides.add(args[++i]);
            }
        }
        MonitorConfig c = ConfigLoader.load(config, overrides);
        requireSamplingSalt(c);
        checkKafkaAccess(c);
        checkSchemaRegistryAccess(c);
        execute(StreamExecutionEnvironment.getExecutionEnvironment(), c, false);
    }

    /**
     * Connects once with the job's client settings before submitting: a wrong password, an untrusted certificate or
     * the wrong protocol stops the submission with a message that says which, instead of a job that restarts forever.
     */
    public static void checkKafkaAccess(MonitorConfig c) {
        Map<String, String> p = new HashMap<>(
                c.kafka().properties() == null ? Map.of() : c.kafka().properties());
        p.put("bootstrap.servers", c.kafka().bootstrapServers());
        KafkaAccessCheck.check(p, KAFKA_ACCESS_TIMEOUT);
    }

    /** Shortest salt a deployment may run with: 16 characters of {@code openssl rand -hex 16} hold 64 random bits. */
    public static final int MIN_SALT_LENGTH = 16;

    /**
     * Refuses to deploy without a secret sampling salt: with a known (or empty) salt a producer can grind request ids
     * that are always sampled and admitted first, shedding everyone else's prompts.
     */
    public static void requireSamplingSalt(MonitorConfig c) {
        String salt = SecretReference.resolve(c.sampling().salt());
        if (salt == null || salt.length() < MIN_SALT_LENGTH) {
            throw new io.quantwatch.job.config.ConfigException(
                    "sampling.salt",
                    "a deployment needs a secret salt of at least " + MIN_SALT_LENGTH + " characters, kept across"
                            + " restarts: make one with  openssl rand -hex 16 > /etc/quantwatch/sampling-salt  and set"
                            + " sampling.salt: ${file:/etc/quantwatch/sampling-salt} (or ${env:NAME}); without it a"
                            + " producer can choose request ids that are always sampled and admitted first");
        }
    }

    /**
     * Asks the Schema Registry once before submitting, when one is configured: refused credentials or an untrusted
     * certificate stop the submission naming the setting; an unreachable registry only warns (records wait for it).
     */
    public static void checkSchemaRegistryAccess(MonitorConfig c) {
        if (!c.schemaRegistry().settings().configured()) {
            return;
        }
        try {
            SchemaRegistryClient.connect(c.schemaRegistry().settings()).checkAccess();
        } catch (SchemaRegistryException e) {
            if (e.kind() == SchemaRegistryException.Kind.UNAVAILABLE) {
                System.err.println("quantwatch: warning: the Schema Registry is not reachable now (" + e.getMessage()
                        + "); framed records will wait for it up to schema-registry.outage-wait");
                return;
            }
            throw new IllegalStateException("schema-registry: " + e.getMessage(), e);
        }
    }

    /** Where savepoints go: {@code savepoints} under the checkpoint directory. */
    public static String savepointDir(MonitorConfig c) {
        return c.checkpointDir().replaceAll("/+$", "") + "/savepoints";
    }

    public static JobExecutionResult execute(StreamExecutionEnvironment env, MonitorConfig c, boolean stopAtLatest)
            throws Exception {
        define(env, c, stopAtLatest);
        return env.execute(NAME);
    }

    public static JobClient start(StreamExecutionEnvironment env, MonitorConfig c) throws Exception {
        define(env, c, false);
        return env.executeAsync(NAME);
    }
}
