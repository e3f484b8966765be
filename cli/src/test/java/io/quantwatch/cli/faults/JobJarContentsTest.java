package io.quantwatch.cli.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The slim job jar a Flink cluster is given (built by the jobs module before this one) carries the job and its
 * connectors but none of the cluster's runtime, no Kafka broker, no Scala and no llama.cpp, so it cannot shadow the
 * cluster's own classes.
 */
class JobJarContentsTest {

    @Test
    void theJobJarHoldsTheJobAndNothingTheClusterProvides() throws Exception {
        Path jar = Path.of(System.getProperty("quantwatch.root", "../"), "jobs/target/quantwatch-job.jar");
        try (JarFile f = new JarFile(jar.toFile())) {
            List<String> names = f.stream().map(e -> e.getName()).toList();
            assertThat(f.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("io.quantwatch.job.MonitorJob");
            assertThat(names)
                    .contains(
                            "io/quantwatch/job/MonitorJob.class",
                            "io/quantwatch/job/MonitorTopology.class",
                            "org/apache/flink/connector/kafka/sink/KafkaSink.class",
                            "org/apache/kafka/clients/producer/KafkaProducer.class");
            assertThat(names)
                    .noneMatch(n -> n.startsWith("org/apache/flink/runtime/"))
                    .noneMatch(n -> n.startsWith("org/apache/flink/streaming/api/environment/"))
                    .noneMatch(
                            n -> n.startsWith("kafka/server/") || n.equals("kafka/Kafka.class")) // the broker (Scala)
                    .noneMatch(n -> n.startsWith("org/apache/kafka/raft/"))
                    .noneMatch(n -> n.startsWith("org/apache/kafka/controller/"))
                    .noneMatch(n -> n.startsWith("org/apache/kafka/storage/internals/log/"))
                    .noneMatch(n -> n.startsWith("scala/"))
                    .noneMatch(n -> n.startsWith("de/kherud/llama/"))
                    .noneMatch(n -> n.startsWith("io/quantwatch/embedded/"))
                    .noneMatch(n -> n.startsWith("io/quantwatch/cli/"));
        }
    }
}
