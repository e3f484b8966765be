package io.quantwatch.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.connectors.llamacpp.LlamaCppPipelines;
import io.quantwatch.connectors.openvino.OpenVinoPipelines;
import io.quantwatch.connectors.openvino.StubOpenVino;
import io.quantwatch.detectors.alert.AlertMethod;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.detectors.alert.DriftMetric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String MODEL = "reference.model="
            + Path.of(System.getProperty("quantwatch.root", ".")).resolve("models/quantwatch-demo-f16.gguf");

    @Test
    void theDefaultsAreAValidConfigurationWithFourCandidates() {
        MonitorConfig c = ConfigLoader.load(null, List.of(MODEL));
        assertThat(c.candidateRecipes()).containsKeys("int8-sym", "int4-sym-g128", "int4-sym-cw", "nf4");
        assertThat(c.windows().size()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.metrics().prometheus().host()).isEqualTo("127.0.0.1");
        assertThat(c.samples().redact()).isTrue();
        assertThat(c.alertRules()).extracting(AlertRule::name).contains("json-broken", "perplexity-up-5pct");
    }

    @Test
    void aFileOverridesOnlyTheKeysItNamesAndSetOverridesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("qw.yaml");
        Files.writeString(file, """
                kafka:
                  bootstrap-servers: broker-1:9092,broker-2:9092
                sampling:
                  rate: 0.2
                windows:
                  size: 5min
                  slide: 1min
                alerts:
                  rules:
                    - {name: json-broken, metric: json-broken-rate, direction: above, threshold: 0.05, hysteresis: 0.01, min-samples: 100}
                """);
        MonitorConfig c = ConfigLoader.load(file, List.of(MODEL, "sampling.rate=0.3"));
        assertThat(c.kafka().bootstrapServers()).isEqualTo("broker-1:9092,broker-2:9092");
        assertThat(c.kafka().groupId()).isEqualTo("quantwatch");
        assertThat(c.sampling().rate()).isEqualTo(0.3);
        assertThat(c.windows().slide()).isEqualTo(Duration.ofMinutes(1));
        AlertRule json = c.alertRules().stream()
                .filter(r -> r.name().equals("json-broken"))
                .findFirst()
                .orElseThrow();
        assertThat(json.threshold()).isEqualTo(0.05);
        assertThat(json.metric()).isEqualTo(DriftMetric.JSON_BROKEN_RATE);
        assertThat(c.alertRules().stream().filter(r -> r.name().equals("json-broken")))
                .hasSize(1);
    }

    @Test
    void kafkaClientPropertiesWithDotsCanBeSetFromTheCommandLine() {
        MonitorConfig c = ConfigLoader.load(null, List.of(MODEL, "kafka.properties.security\\.protocol=SASL_SSL"));
        assertThat(c.kafka().properties()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void aMisspeltKeyIsAnErrorThatNamesWhereAndListsTheKnownKeys() {
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "sampling.rte=0.1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("sampling.rte: unknown key")
                .hasMessageContaining("rate");
    }

    @Test
    void badValuesNameTheFieldAndTheFix() {
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "sampling.rate=1.5")))
                .hasMessageStartingWith("sampling.rate: must be in (0, 1]");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "windows.size=ten minutes")))
                .hasMessageStartingWith("windows.size:")
                .hasMessageContaining("30s");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "windows.slide=7s")))
                .hasMessageStartingWith("windows.slide: must divide windows.size");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "kafka.delivery=twice")))
                .hasMessage("kafka.delivery: 'twice' is not one of [at-least-once, exactly-once, none]");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "kafka.starting-offsets=Earliest")))
                .hasMessage("kafka.starting-offsets: 'Earliest' is not one of [earliest, latest, committed]");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "openvino.binding=jni")))
                .hasMessage("openvino.binding: 'jni' is not one of [auto, c-api, java]");
        assertThat(ConfigLoader.load(null, List.of(MODEL, "openvino.binding=c-api"))
                        .openvino()
                        .bindingKind())
                .isEqualTo(OpenVinoPipelines.Binding.C_API);
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("reference.model=/nope/model.gguf")))
                .hasMessageStartingWith("reference.model: no such file");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "sampling.rate")))
                .hasMessageContaining("expected key.path=value");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "shadow.timeout=45s")))
                .hasMessageStartingWith("shadow.timeout: must not exceed shadow.max-delay");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "shadow.max-delay=0s")))
                .hasMessageStartingWith("shadow.max-delay: must be a positive duration");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "windows.max-skew=2h")))
                .hasMessageStartingWith("windows.max-skew: must be under 1h");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "shadow.capacity-per-second=-2")))
                .hasMessageStartingWith("shadow.capacity-per-second: must be >= 0");
    }

    @Test
    void admissionPeriodsSplitTheSlideIntoPartsThatFitTheDelayAndNeverStraddleAWindow() {
        assertThat(ConfigLoader.load(null, List.of(MODEL)).admissionPeriodMillis())
                .isEqualTo(30_000); // 60 s slide, 30 s delay
        assertThat(ConfigLoader.load(null, List.of(MODEL, "windows.slide=20s")).admissionPeriodMillis())
                .isEqualTo(20_000);
        assertThat(ConfigLoader.load(null, List.of(MODEL, "shadow.max-delay=25s", "shadow.timeout=10s"))
                        .admissionPeriodMillis())
                .isEqualTo(20_000); // 60 s in 3 parts
        assertThat(ConfigLoader.load(
                                null,
                                List.of(
                                        MODEL,
                                        "windows.size=70s",
                                        "windows.slide=70s",
                                        "shadow.max-delay=30s",
                                        "shadow.timeout=10s"))
                        .admissionPeriodMillis())
                .isEqualTo(17_500); // 70 s splits into no 3 whole-millisecond parts: 4
    }

    @Test
    void candidatesAreCheckedOneByOne() {
        assertThatThrownBy(
                        () -> ConfigLoader.load(
                                null,
                                List.of(
                                        MODEL,
                                        "candidates=[{name: a, backend: engine, recipe: int8 sym}, {name: a, backend: engine, recipe: nf4}]")))
                .hasMessageStartingWith("candidates[1].name: 'a' is used twice");
        assertThatThrownBy(() -> ConfigLoader.load(
                        null, List.of(MODEL, "candidates=[{name: a, backend: engine, recipe: int5}]")))
                .hasMessageStartingWith("candidates[0].recipe:");
        assertThatThrownBy(() ->
                        ConfigLoader.load(null, List.of(MODEL, "candidates=[{name: a, backend: tpu, recipe: nf4}]")))
                .hasMessage("candidates[0].backend: 'tpu' is not one of [engine, openvino, llama.cpp]");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "candidates=[{name: a, recipe: nf4}]")))
                .hasMessageStartingWith("candidates[0].backend: missing: engine, llama.cpp or openvino");
        // A llama.cpp candidate runs a GGUF file; its settings name their field.
        assertThatThrownBy(() -> ConfigLoader.load(
                        null, List.of(MODEL, "candidates=[{name: a, backend: llama.cpp, recipe: int4 sym}]")))
                .hasMessageStartingWith("candidates[0].recipe: a llama.cpp candidate runs a GGUF file");
        assertThatThrownBy(() -> ConfigLoader.load(
                        null,
                        List.of(MODEL, "candidates=[{name: a, backend: llama.cpp, recipe: 'file:/no/such.gguf'}]")))
                .hasMessageStartingWith("candidates[0].recipe: no such file: /no/such.gguf");
        assertThatThrownBy(() -> ConfigLoader.load(
                        null,
                        List.of(
                                MODEL,
                                "candidates=[{name: a, backend: llama.cpp, recipe: reference}]",
                                "llama-cpp.kv-cache=q8")))
                .hasMessage("llama-cpp.kv-cache: must be f16 or f32, got 'q8'");
        assertThat(ConfigLoader.load(
                                null, List.of(MODEL, "candidates=[{name: a, backend: llama.cpp, recipe: reference}]"))
                        .llamaCpp()
                        .settings())
                .as("a llama.cpp server's defaults: F16 cache, flash attention auto")
                .isEqualTo(new LlamaCppPipelines.Settings(1, false, true));
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "candidates=[]")))
                .hasMessageStartingWith("candidates: configure at least one");
    }

    @Test
    void anOpenVinoNpuCandidateWithAsymmetricInt4IsRefusedAtStartWithTheReason(@TempDir Path dir) {
        Path ref = StubOpenVino.folder(dir.resolve("fp16"), 0, StubOpenVino.Weights.FP16);
        Path asym = StubOpenVino.folder(dir.resolve("int4-asym"), 0.5, StubOpenVino.Weights.INT4_ASYM);
        Path sym = StubOpenVino.folder(dir.resolve("int4-sym"), 0.5, StubOpenVino.Weights.INT4_SYM);
        String refDir = "reference.openvino-dir=" + ref;
        assertThatThrownBy(() -> ConfigLoader.load(
                        null,
                        List.of(
                                refDir,
                                "candidates=[{name: npu-int4, backend: openvino, model-dir: '" + asym
                                        + "', device: NPU}]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("candidates[0].model-dir: ")
                .hasMessageContaining("asymmetric INT4")
                .hasMessageContaining("--sym");
        MonitorConfig ok = ConfigLoader.load(
                null,
                List.of(
                        refDir,
                        "candidates=[{name: npu-int4, backend: openvino, model-dir: '" + sym
                                + "', device: NPU, npu: {max-prompt-len: 512, min-response-len: 64}},"
                                + " {name: cpu-int4-asym, backend: openvino, model-dir: '" + asym
                                + "', device: CPU}]"));
        assertThat(ok.candidates()).extracting(MonitorConfig.Candidate::device).containsExactly("NPU", "CPU");
        assertThatThrownBy(() -> ConfigLoader.load(
                        null,
                        List.of("candidates=[{name: npu-int4, backend: openvino, model-dir: '" + sym
                                + "', device: NPU}]")))
                .hasMessageStartingWith("reference.openvino-dir: missing");
        assertThatThrownBy(() -> ConfigLoader.load(
                        null,
                        List.of(
                                refDir,
                                "candidates=[{name: x, backend: openvino, model-dir: '" + sym + "', device: TPU}]")))
                .hasMessageStartingWith("candidates[0].device: 'TPU': use CPU, GPU or NPU");
    }

    @Test
    void alertRulesNameTheirBadField() {
        assertThatThrownBy(
                        () -> ConfigLoader.load(
                                null,
                                List.of(
                                        MODEL,
                                        "alerts.rules=[{name: r, metric: jsn, direction: above, threshold: 0.1, hysteresis: 0, min-samples: 10}]")))
                .hasMessageStartingWith("alerts.rules[0].metric: 'jsn' is not a metric")
                .hasMessageContaining("json-broken-rate");
        assertThatThrownBy(
                        () -> ConfigLoader.load(
                                null,
                                List.of(
                                        MODEL,
                                        "alerts.rules=[{name: r, metric: mean-kl, direction: up, threshold: 0.1, hysteresis: 0, min-samples: 10}]")))
                .hasMessageStartingWith("alerts.rules[0].direction");
        assertThatThrownBy(
                        () -> ConfigLoader.load(
                                null,
                                List.of(
                                        MODEL,
                                        "alerts.rules=[{name: r, metric: mean-kl, direction: above, threshold: 2, hysteresis: 0, min-samples: 10, baseline: learnt}]")))
                .hasMessageStartingWith("alerts.rules[0].baseline: 'learnt': use fixed");
        assertThatThrownBy(
                        () -> ConfigLoader.load(
                                null,
                                List.of(
                                        MODEL,
                                        "alerts.rules=[{name: r, metric: mean-kl, direction: above, threshold: 0.5, hysteresis: 0, min-samples: 10, baseline: learned}]")))
                .hasMessageStartingWith(
                        "alerts.rules[0]: rule 'r' (baseline: learned): threshold is a factor on the learned mean");
    }

    @Test
    void aRuleOnALearnedBaselineIsReadAndTheDefaultsHaveTwo() {
        MonitorConfig c = ConfigLoader.load(
                null,
                List.of(
                        MODEL,
                        "alerts.rules=[{name: kl-up-2x, metric: mean-kl, direction: above, threshold: 2, hysteresis: 0, min-samples: 5000, baseline: learned}]"));
        assertThat(c.alertRules())
                .filteredOn(r -> r.baseline() == AlertRule.Baseline.LEARNED)
                .extracting(AlertRule::name)
                .containsExactly("identical-down-5pp", "kl-up-50pct", "kl-up-2x");
        assertThat(c.alertRules())
                .filteredOn(r -> r.name().equals("json-broken"))
                .singleElement()
                .satisfies(r -> assertThat(r.baseline()).isEqualTo(AlertRule.Baseline.FIXED));
    }

    @Test
    void alertMethodDefaultsToCusumOnRollUpsAndRefusesUnknownValues() {
        MonitorConfig c = ConfigLoader.load(null, List.of(MODEL));
        assertThat(c.alertMethod()).isEqualTo(AlertMethod.CUSUM);
        assertThat(c.alerts().perKey()).isFalse();
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "alerts.method=sprt")))
                .hasMessageStartingWith("alerts.method: 'sprt': use cusum");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "windows.rollup=false")))
                .hasMessageStartingWith("alerts.per-key: must be true when windows.rollup is false");
    }

    @Test
    void aTeamsFieldMappingIsCheckedAtStartNamingTheSetting() {
        MonitorConfig c =
                ConfigLoader.load(null, List.of(MODEL, "input.fields={request_id: /meta/id, tenant: /customer/org}"));
        assertThat(c.input().settings().fields()).containsEntry("tenant", "/customer/org");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "input.fields={tenat: /org}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("input.fields.tenat: not a field the monitor reads");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "input.avro-schemas=[/no/such.avsc]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("input.avro-schemas: cannot read /no/such.avsc");
    }

    @Test
    void aChatTemplateThatCannotBeParsedOrNamedStopsTheJobAtStart(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.jinja");
        Files.writeString(broken, "{% for m in messages %}{{ m.content }}");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "chat.template=" + broken)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("chat.template: template syntax error: expected {% else or endfor %}");
        Path demo = Path.of(System.getProperty("quantwatch.root", ".")).resolve("models/quantwatch-demo.chat.jinja");
        assertThatThrownBy(() ->
                        ConfigLoader.load(null, List.of(MODEL, "chat.template=" + demo, "chat.template-name=tool_use")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("chat.template-name: ")
                .hasMessageContaining("has no template named 'tool_use'");
    }

    @Test
    void aSchemaRegistryIsCheckedAtStartAndItsPasswordNeverPrinted() {
        MonitorConfig c = ConfigLoader.load(
                null,
                List.of(
                        MODEL,
                        "schema-registry.url=https://a.example:8081, https://b.example:8081",
                        "schema-registry.basic-auth-user=monitor",
                        "schema-registry.basic-auth-password=plain-secret"));
        assertThat(c.schemaRegistry().settings().urls())
                .containsExactly("https://a.example:8081", "https://b.example:8081");
        assertThat(ConfigLoader.toYaml(c)).doesNotContain("plain-secret").contains("basic-auth-user: \"monitor\"");
        assertThatThrownBy(() -> ConfigLoader.load(
                        null, List.of(MODEL, "schema-registry.url=https://monitor:pw@registry.example:8081")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("schema-registry.url: holds credentials; put them in")
                .hasMessageNotContaining(":pw@");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "schema-registry.url=registry:8081")))
                .hasMessageStartingWith("schema-registry.url: 'registry:8081' must start with http:// or https://");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of(MODEL, "schema-registry.frame-outputs=true")))
                .hasMessageStartingWith("schema-registry.frame-outputs: needs schema-registry.url");
        assertThatThrownBy(() -> ConfigLoader.load(
                        null,
                        List.of(MODEL, "schema-registry.url=http://r:8081", "schema-registry.truststore=/no/ca.p12")))
                .hasMessageStartingWith("schema-registry.truststore: no such file: /no/ca.p12");
    }
}
