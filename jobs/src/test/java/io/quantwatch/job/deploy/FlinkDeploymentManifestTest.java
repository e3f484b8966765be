package io.quantwatch.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the FlinkDeployment asks of the job holds without a cluster: its entry class is the job's {@code main}, the
 * config file its arguments name is mounted on the JobManager (where {@code main()} runs in application mode) and on the
 * TaskManagers, and {@code upgradeMode: last-state} comes with HA. (Validation against the operator's CRD schema is
 * not done yet: issue 27.)
 */
class FlinkDeploymentManifestTest {
    private static JsonNode deployment() throws Exception {
        return new ObjectMapper(new YAMLFactory())
                .readTree(Promtool.root()
                        .resolve("deploy/kubernetes/flink-deployment.yaml")
                        .toFile());
    }

    @Test
    void theEntryClassIsTheJobsMain() throws Exception {
        String entry = deployment().path("spec").path("job").path("entryClass").asText();
        assertThat(Class.forName(entry).getMethod("main", String[].class)).isNotNull();
    }

    @Test
    void theConfigTheArgumentsNameIsMountedWhereMainRuns() throws Exception {
        JsonNode spec = deployment().path("spec");
        List<String> args = new ArrayList<>();
        spec.path("job").path("args").forEach(a -> args.add(a.asText()));
        String config = args.get(args.indexOf("--config") + 1);
        // The pod template at spec level applies to the JobManager and the TaskManagers alike.
        JsonNode mounts =
                spec.path("podTemplate").path("spec").path("containers").get(0).path("volumeMounts");
        assertThat(mounts.findValuesAsText("mountPath"))
                .anySatisfy(path -> assertThat(config).startsWith(path + "/"));
    }

    @Test
    void lastStateUpgradesHaveHighAvailability() throws Exception {
        JsonNode spec = deployment().path("spec");
        assertThat(spec.path("job").path("upgradeMode").asText()).isEqualTo("last-state");
        assertThat(spec.path("flinkConfiguration")
                        .path("high-availability.type")
                        .asText())
                .isEqualTo("kubernetes");
        assertThat(spec.path("flinkConfiguration")
                        .path("high-availability.storageDir")
                        .asText())
                .isNotBlank();
    }
}
