package io.quantwatch.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be proven about deploy/kubernetes without a cluster:
 * <ul>
 *   <li>the FlinkDeployment conforms to the Flink Kubernetes Operator's CRD schema, read from the operator's published
 *       API artifact (every field declared there, of its type, within its enum);
 *   <li>its pod templates, the ConfigMap, the review page's Deployment and Service and the PodMonitor are Kubernetes'
 *       own types with no field those types do not have (fabric8's models, which keep unknown fields aside);
 *   <li>the entry class is the job's {@code main}, and the config it names is mounted where {@code main()} runs and
 *       loads with the job's own loader;
 *   <li>the image puts the jars where the manifests look for them, and the PodMonitor scrapes ports the pods expose.
 * </ul>
 * The operator API on Maven Central here is 1.10.0, whose {@code flinkVersion} enum ends at {@code v1_20}: the test
 * accepts the one later value that names the Flink this project builds against ({@code v2_2} for 2.2.x).
 */
class KubernetesManifestsTest {
    private static final Path DIR = Promtool.root().resolve("deploy/kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path tmp;

    private static List<JsonNode> documents(String file) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(DIR.resolve(file).toFile())) {
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            it.forEachRemaining(d -> {
                if (d != null && !d.isNull() && !d.isEmpty()) {
                    docs.add(d);
                }
            });
        }
        return docs;
    }

    private static JsonNode deployment() throws Exception {
        return documents("flink-deployment.yaml").get(0);
    }

    private static String flinkVersion() throws Exception {
        Matcher m = Pattern.compile("<flink.version>(\\d+)\\.(\\d+)\\.\\d+</flink.version>")
                .matcher(Files.readString(Promtool.root().resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1) + "." + m.group(2);
    }

    @Test
    void theFlinkDeploymentConformsToTheOperatorsCrd() throws Exception {
        JsonNode crd = YAML.readTree(
                Path.of("target/flink-operator-crds/META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml")
                        .toFile());
        JsonNode schema = null;
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("name").asText().equals("v1beta1")) {
                schema = v.path("schema").path("openAPIV3Schema");
            }
        }
        assertThat(schema).as("the CRD's v1beta1 schema").isNotNull();
        JsonNode doc = deployment();
        assertThat(doc.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        List<String> problems = new ArrayList<>();
        CrdSchema.check(schema, doc, "", problems);
        String ours = "v" + flinkVersion().replace('.', '_');
        assertThat(doc.path("spec").path("flinkVersion").asText()).isEqualTo(ours);
        problems.removeIf(p -> p.equals("/spec/flinkVersion: '" + ours + "' is not one of the enum"));
        assertThat(problems).as("FlinkDeployment against the operator's CRD").isEmpty();
        strict(doc.path("metadata"), ObjectMeta.class, "FlinkDeployment metadata");
    }

    @Test
    void theCrdCheckFindsAMisspeltField() throws Exception {
        JsonNode crd = YAML.readTree(
                Path.of("target/flink-operator-crds/META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml")
                        .toFile());
        JsonNode schema =
                crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
        JsonNode bad =
                YAML.readTree("apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: {name: x}\n"
                        + "spec:\n  job: {jarURI: local:///a.jar, upgradeMod: last-state, parallelism: two}\n");
        List<String> problems = new ArrayList<>();
        CrdSchema.check(schema, bad, "", problems);
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("/spec/job/upgradeMod").contains("not declared"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).contains("/spec/job/parallelism").contains("integer"));
    }

    @Test
    void everyOtherManifestIsKubernetesOwnTypesWithNoUnknownField() throws Exception {
        JsonNode spec = deployment().path("spec");
        strict(spec.path("podTemplate"), PodTemplateSpec.class, "FlinkDeployment spec.podTemplate");
        strict(spec.path("taskManager").path("podTemplate"), PodTemplateSpec.class, "taskManager.podTemplate");
        strict(documents("quantwatch-configmap.yaml").get(0), ConfigMap.class, "quantwatch-configmap.yaml");
        strict(documents("quantwatch-podmonitor.yaml").get(0), PodMonitor.class, "quantwatch-podmonitor.yaml");
        List<JsonNode> review = documents("review-deployment.yaml");
        assertThat(review).hasSize(2);
        strict(review.get(0), Deployment.class, "review-deployment.yaml Deployment");
        strict(review.get(1), Service.class, "review-deployment.yaml Service");
    }

    @Test
    void aMisspeltKubernetesFieldIsFound() {
        assertThat(unknownFields(
                        parse("spec: {containers: [{name: a, imagePullPolcy: Always}]}", PodTemplateSpec.class)))
                .containsExactly("spec.containers[0].imagePullPolcy");
    }

    @Test
    void theEntryClassIsTheJobsMainAndItsConfigIsMountedWhereMainRuns() throws Exception {
        JsonNode spec = deployment().path("spec");
        String entry = spec.path("job").path("entryClass").asText();
        assertThat(Class.forName(entry).getMethod("main", String[].class)).isNotNull();
        List<String> args = new ArrayList<>();
        spec.path("job").path("args").forEach(a -> args.add(a.asText()));
        String config = args.get(args.indexOf("--config") + 1);
        // The pod template at spec level applies to the JobManager and the TaskManagers alike.
        JsonNode mounts =
                spec.path("podTemplate").path("spec").path("containers").get(0).path("volumeMounts");
        assertThat(mounts.findValuesAsText("mountPath"))
                .anySatisfy(path -> assertThat(config).startsWith(path + "/"));
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

    @Test
    void theMountedConfigIsTheExampleAndLoadsWithTheJobsOwnLoader() throws Exception {
        String mounted = documents("quantwatch-configmap.yaml")
                .get(0)
                .path("data")
                .path("quantwatch.yaml")
                .asText();
        assertThat(mounted).isEqualTo(Files.readString(Promtool.root().resolve("deploy/quantwatch.yaml")));
        Path file = tmp.resolve("quantwatch.yaml");
        Files.writeString(file, mounted);
        // Here the model is the bundled one: the cluster's /models volume does not exist on this machine.
        MonitorConfig c = ConfigLoader.load(
                file, List.of("reference.model=" + Promtool.root().resolve("models/quantwatch-demo-f16.gguf")));
        assertThat(c.candidates()).isNotEmpty();
        assertThat(mounted).contains("model: /models/");
        JsonNode volumes =
                deployment().path("spec").path("podTemplate").path("spec").path("volumes");
        assertThat(volumes.findValuesAsText("claimName")).contains("quantwatch-models");
    }

    @Test
    void theImageHoldsTheJarsWhereTheManifestsLookAndThePodMonitorScrapesExposedPorts() throws Exception {
        String dockerfile = Files.readString(DIR.resolve("Dockerfile"));
        assertThat(dockerfile).contains("FROM flink:" + flinkVersion() + ".").contains("-java17");
        String jar =
                deployment().path("spec").path("job").path("jarURI").asText().replace("local://", "");
        assertThat(dockerfile).contains("COPY jobs/target/quantwatch-job.jar " + jar);
        JsonNode review = documents("review-deployment.yaml").get(0);
        String cli = review.path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("command")
                .get(2)
                .asText();
        assertThat(dockerfile).contains("COPY cli/target/quantwatch.jar " + cli);
        JsonNode monitor = documents("quantwatch-podmonitor.yaml").get(0).path("spec");
        JsonNode spec = deployment().path("spec");
        List<String> ports = new ArrayList<>(spec.path("podTemplate").findValuesAsText("name"));
        ports.addAll(spec.path("taskManager").path("podTemplate").findValuesAsText("name"));
        for (JsonNode endpoint : monitor.path("podMetricsEndpoints")) {
            assertThat(ports)
                    .as("a pod exposes port %s", endpoint.path("port").asText())
                    .contains(endpoint.path("port").asText());
        }
        String label = monitor.path("jobLabel").asText();
        assertThat(spec.path("podTemplate")
                        .path("metadata")
                        .path("labels")
                        .path(label)
                        .asText())
                .as("the job label names the scrape job the rules expect")
                .isEqualTo("quantwatch");
    }

    private static <T> T parse(String yaml, Class<T> type) {
        try {
            return YAML.copy()
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                    .readValue(yaml, type);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void strict(JsonNode node, Class<?> type, String what) throws Exception {
        Object value = YAML.treeToValue(node, type);
        assertThat(unknownFields(value))
                .as("fields %s has that %s does not", what, type.getSimpleName())
                .isEmpty();
    }

    /** Paths of the fields fabric8 kept aside as unknown ({@code additionalProperties}), anywhere in the object. */
    static List<String> unknownFields(Object root) {
        List<String> out = new ArrayList<>();
        walk(root, "", out);
        return out;
    }

    private static void walk(Object o, String path, List<String> out) {
        if (o == null || !o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        try {
            for (PropertyDescriptor p :
                    Introspector.getBeanInfo(o.getClass(), Object.class).getPropertyDescriptors()) {
                Method get = p.getReadMethod();
                if (get == null || get.getParameterCount() > 0) {
                    continue;
                }
                Object v = get.invoke(o);
                String at = path.isEmpty() ? p.getName() : path + "." + p.getName();
                if (p.getName().equals("additionalProperties") && v instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(k -> out.add(path.isEmpty() ? String.valueOf(k) : path + "." + k));
                } else if (v instanceof Collection<?> list) {
                    int i = 0;
                    for (Object item : list) {
                        walk(item, at + "[" + i++ + "]", out);
                    }
                } else if (v instanceof Map<?, ?> map) {
                    map.forEach((k, item) -> walk(item, at + "." + k, out));
                } else {
                    walk(v, at, out);
                }
            }
        } catch (Exception e) {
            throw new AssertionError("cannot read " + o.getClass().getName() + " at " + path, e);
        }
    }
}
