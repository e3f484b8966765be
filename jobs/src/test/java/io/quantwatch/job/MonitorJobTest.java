package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.job.config.ConfigException;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The whole job graph builds with Kryo switched off (every stream and state type has an explicit serializer), and the
 * job jar's entry point refuses what it cannot use before any job is built, naming the flag or field.
 */
class MonitorJobTest {

    @Test
    void unknownFlagsAndBadSettingsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> MonitorJob.main(new String[] {"run", "--config", "x.yaml"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("usage: flink run quantwatch-job.jar")
                .hasMessageContaining("'run'");
        assertThatThrownBy(() -> MonitorJob.main(new String[] {"--config"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'--config'");
        assertThatThrownBy(() -> MonitorJob.main(new String[] {"--set", "kafka.delivery=twice"}))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kafka.delivery: 'twice' is not one of");
    }

    @Test
    void theWholeJobGraphBuildsWithGenericTypesDisabled() {
        MonitorConfig c = ConfigLoader.load(
                null,
                List.of(
                        "reference.model="
                                + Path.of(System.getProperty("quantwatch.root", "."))
                                        .resolve("models/quantwatch-demo-f16.gguf"),
                        "kafka.bootstrap-servers=127.0.0.1:9",
                        "kafka.delivery=exactly-once",
                        "metrics.prometheus.enabled=false"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MonitorJob.define(env, c, false);
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled())
                .isTrue();
        // Creating every operator's serializers would throw on a type that needs Kryo.
        assertThat(env.getStreamGraph().getStreamNodes()).hasSizeGreaterThan(10);
    }

    @Test
    void aDeploymentWithoutASecretSaltIsRefusedAndOneFromAFileIsTaken(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        String model = "reference.model="
                + Path.of(System.getProperty("quantwatch.root", ".")).resolve("models/quantwatch-demo-f16.gguf");
        assertThatThrownBy(() -> MonitorJob.requireSamplingSalt(ConfigLoader.load(null, List.of(model))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("sampling.salt: a deployment needs a secret salt of at least 16 characters")
                .hasMessageContaining("openssl rand -hex 16");
        assertThatThrownBy(() ->
                        MonitorJob.requireSamplingSalt(ConfigLoader.load(null, List.of(model, "sampling.salt=short"))))
                .isInstanceOf(ConfigException.class);
        Path file = java.nio.file.Files.writeString(dir.resolve("salt"), "3f9a0c4e1b7d2a8f6e5c4b3a2918f7e6\n");
        MonitorConfig c = ConfigLoader.load(null, List.of(model, "sampling.salt=${file:" + file + "}"));
        MonitorJob.requireSamplingSalt(c);
        assertThat(ConfigLoader.toYaml(c)).contains("${file:" + file + "}").doesNotContain("3f9a0c4e");
        assertThat(ConfigLoader.toYaml(ConfigLoader.load(null, List.of(model, "sampling.salt=3f9a0c4e1b7d2a8f"))))
                .doesNotContain("3f9a0c4e");
    }
}
