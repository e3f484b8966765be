package io.quantwatch.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quantwatch.embedded.Readiness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FlinkDeployment's command line on a real Flink: its entry class and arguments, with the ConfigMap's
 * {@code quantwatch.yaml} where its volume would mount it, submitted to the deploy/local session cluster. Only what
 * cannot exist on this machine is overridden (the production broker and its SASL_SSL, the /models volume, the salt's
 * Secret): the job starts, runs, and does not restart.
 */
class KubernetesCommandLineTest {
    @TempDir
    Path run;

    @TempDir
    Path mounted;

    @Test
    void theDeploymentsEntryClassAndArgumentsRunOnAFlinkCluster() throws Exception {
        Path root = Path.of(System.getProperty("quantwatch.root", "../"));
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode job = yaml.readTree(
                        root.resolve("deploy/kubernetes/flink-deployment.yaml").toFile())
                .path("spec")
                .path("job");
        JsonNode configMap = yaml.readTree(
                root.resolve("deploy/kubernetes/quantwatch-configmap.yaml").toFile());
        List<String> args = new ArrayList<>();
        job.path("args").forEach(a -> args.add(a.asText()));
        // The container's /etc/quantwatch/quantwatch.yaml is the ConfigMap's; here it is a file of the same content.
        String containerConfig = args.get(args.indexOf("--config") + 1);
        Path config = mounted.resolve(Path.of(containerConfig).getFileName().toString());
        Files.writeString(config, configMap.path("data").path("quantwatch.yaml").asText());
        args.set(args.indexOf("--config") + 1, config.toString());
        args.addAll(List.of(
                "--set", "kafka.properties.security\\.protocol=PLAINTEXT",
                "--set", "kafka.properties.sasl\\.mechanism=PLAIN",
                "--set", "metrics.prometheus.port=0",
                "--set", "engine.parallelism=1",
                "--set", "engine.threads=1"));
        try (LocalCluster cluster = new LocalCluster(root.resolve("deploy/local"), run)) {
            cluster.start(1);
            Path tmLog = cluster.runDir().resolve("logs/taskmanager-1.log");
            String id = cluster.submit(List.of("-c", job.path("entryClass").asText(), "-p", "1"), args);
            Readiness.of("job " + id, null, tmLog, Duration.ofMinutes(3))
                    .await(() -> cluster.jobState(id)
                            .filter("RUNNING"::equals)
                            .map(s -> Optional.<String>empty())
                            .orElse(Optional.of("state " + cluster.jobState(id).orElse("unknown"))));
            Readiness.of("numRestarts of " + id, null, tmLog, Duration.ofMinutes(1))
                    .await(() -> cluster.jobMetric(id, "numRestarts").isPresent()
                            ? Optional.empty()
                            : Optional.of("not reported yet"));
            assertThat(cluster.jobMetric(id, "numRestarts")).hasValue("0");
            cluster.cancel(id);
        }
    }
}
