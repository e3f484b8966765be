package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.job.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The job jar's entry point refuses what it cannot use before any job is built, naming the flag or field. */
class MonitorJobMainTest {

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
}
