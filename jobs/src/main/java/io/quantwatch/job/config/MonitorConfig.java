package io.quantwatch.job.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quantwatch.connectors.chat.ChatTemplateLoader;
import io.quantwatch.connectors.kafka.RecordMapping;
import io.quantwatch.connectors.llamacpp.LlamaCppPipelines;
import io.quantwatch.connectors.metrics.MetricsSettings;
import io.quantwatch.connectors.openvino.NpuSettings;
import io.quantwatch.connectors.openvino.OpenVinoPipelines;
import io.quantwatch.detectors.alert.AlertMethod;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.registry.SchemaRegistrySettings;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The whole monitor configuration, as read from YAML (kebab-case keys) over the bundled defaults.
 * Serializable: the topology ships parts of it to the task managers. {@link #validate()} names the
 * offending field in every message.
 */
public record MonitorConfig(
        Kafka kafka,
        Topics topics,
        Sampling sampling,
        Reference reference,
        List<Candidate> candidates,
        Engine engine,
        LlamaCpp llamaCpp,
        Shadow shadow,
        OpenVino openvino,
        Windows windows,
        Alerts alerts,
        Samples samples,
        Metrics metrics,
        Chat chat,
        Input input,
        SchemaRegistry schemaRegistry,
        Duration checkpointInterval,
        String checkpointDir)
        implements Serializable {

    /**
     * A team's own record shape on the prompts topic ({@code input.*}): {@code fields} maps each field the monitor reads
     * to a JSON Pointer into their record; {@code avroSchemas} are their .avsc files, whose single-object records are
     * read and mapped the same way.
     */
    public record Input(Map<String, String> fields, List<String> avroSchemas) implements Serializable {
        public RecordMapping.Settings settings() {
            return new RecordMapping.Settings(
                    fields == null ? Map.of() : fields, avroSchemas == null ? List.of() : avroSchemas);
        }
    }

    /**
     * A Confluent-compatible Schema Registry ({@code schema-registry.*}): prompt records in its framing are read with
     * the writer schema it holds for their id; {@code frameOutputs} publishes the monitor's topics in the same framing,
     * each under the subject {@code <topic>-value}, registered there when {@code autoRegister}, else looked up.
     * {@code url} may list several base URLs separated by commas; passwords may be {@code ${env:…}}/{@code ${file:…}}.
     */
    public record SchemaRegistry(
            String url,
            String basicAuthUser,
            String basicAuthPassword,
            String truststore,
            String truststorePassword,
            String keystore,
            String keystorePassword,
            Duration requestTimeout,
            Duration outageWait,
            boolean frameOutputs,
            boolean autoRegister)
            implements Serializable {
        /** The client's settings ({@link SchemaRegistrySettings#none()} when no URL is set). */
        public SchemaRegistrySettings settings() {
            List<String> urls = url == null || url.isBlank()
                    ? List.of()
                    : java.util.Arrays.stream(url.split(","))
                            .map(String::strip)
                            .filter(u -> !u.isEmpty())
                            .toList();
            return new SchemaRegistrySettings(
                    urls,
                    basicAuthUser,
                    basicAuthPassword,
                    truststore,
                    truststorePassword,
                    keystore,
                    keystorePassword,
                    requestTimeout,
                    outageWait);
        }
    }

    /**
     * How chat-completion requests become prompts ({@code chat.*}): {@code template} is {@code gguf} (the reference
     * model's {@code tokenizer.chat_template}), a {@code tokenizer_config.json}, or a {@code .jinja} file;
     * {@code templateName} picks one of the source's named templates ({@code ""}: the default, or {@code tool_use} when
     * tools are offered and the source has one); the special tokens override the source's ({@code ""}: its own).
     */
    public record Chat(String template, String templateName, String bosToken, String eosToken) implements Serializable {
        /** The settings the TaskManagers load the template from. */
        public ChatTemplateLoader.Settings settings(String referenceModel) {
            return new ChatTemplateLoader.Settings(template, templateName, bosToken, eosToken, referenceModel);
        }
    }

    /** How to reach Kafka; {@code properties} pass through to every client (security, timeouts). */
    public record Kafka(
            String bootstrapServers,
            String groupId,
            StartingOffsets startingOffsets,
            Delivery delivery,
            String transactionalIdPrefix,
            Map<String, String> properties)
            implements Serializable {}

    /** Where the prompts source starts when no checkpoint says otherwise ({@code kafka.starting-offsets}). */
    public enum StartingOffsets {
        @JsonProperty("earliest")
        EARLIEST,
        @JsonProperty("latest")
        LATEST,
        /** The consumer group's committed offsets, latest where it has none. */
        @JsonProperty("committed")
        COMMITTED
    }

    /** What the Kafka sinks promise ({@code kafka.delivery}). */
    public enum Delivery {
        @JsonProperty("at-least-once")
        AT_LEAST_ONCE,
        /** Transactions committed on checkpoints; readers use read_committed. */
        @JsonProperty("exactly-once")
        EXACTLY_ONCE,
        @JsonProperty("none")
        NONE
    }

    /** Which runtime computes a candidate ({@code candidates[i].backend}). */
    public enum Backend {
        /** The in-JVM engine on the reference GGUF, quantized by a recipe. */
        @JsonProperty("engine")
        ENGINE,
        /** An OpenVINO export folder on CPU, GPU or NPU. */
        @JsonProperty("openvino")
        OPENVINO,
        /** A GGUF file ({@code recipe: file:PATH}) run by the bundled llama.cpp, as a llama.cpp server runs it. */
        @JsonProperty("llama.cpp")
        LLAMA_CPP
    }

    /** Topic names. */
    public record Topics(
            String prompts, String deadLetters, String shadowRecords, String metrics, String alerts, String samples)
            implements Serializable {
        /** Every topic the monitor reads or writes (shadow-records may be blank: not published). */
        public String[] names() {
            return new String[] {prompts, deadLetters, shadowRecords, metrics, alerts, samples};
        }
    }

    /**
     * Which prompts are shadowed: a deterministic share of request ids, then at most this many per tenant per second;
     * a sampled request id seen again within {@code dedupHorizon} (a producer's retry) is not shadowed twice.
     */
    public record Sampling(
            double rate,
            String salt,
            double perTenantPerSecond,
            double burst,
            Duration dedupHorizon,
            double maxPerSecond)
            implements Serializable {}

    /**
     * The full-precision reference: a GGUF file for engine candidates, an FP16 OpenVINO export (on
     * {@code openvinoDevice}, usually CPU) for openvino candidates; {@code servedModel} restricts
     * shadowing to prompts for that model ({@code *}: all).
     */
    public record Reference(String model, String servedModel, String openvinoDir, String openvinoDevice)
            implements Serializable {
        /** The reference side of every openvino pair. */
        public OpenVinoPipelines.Side openvinoSide() {
            return new OpenVinoPipelines.Side(Path.of(openvinoDir), openvinoDevice, Npu.settings(null));
        }
    }

    /**
     * One quantized pipeline to compare with the reference: {@code engine} with a {@code recipe}, or
     * {@code openvino} with an export folder, a device and, for NPU, the NPUW static lengths.
     */
    public record Candidate(String name, Backend backend, String recipe, String modelDir, String device, Npu npu)
            implements Serializable {
        /** This candidate as the candidate side of an openvino pair. */
        public OpenVinoPipelines.Side openvinoSide() {
            return new OpenVinoPipelines.Side(Path.of(modelDir), device, Npu.settings(npu));
        }
    }

    /** NPUW static shapes an LLM is compiled with for an NPU. */
    public record Npu(int maxPromptLen, int minResponseLen) implements Serializable {
        /** The settings, or OpenVINO GenAI's defaults (1024 / 128) when none are configured. */
        static NpuSettings settings(Npu npu) {
            return npu == null ? new NpuSettings(1024, 128) : new NpuSettings(npu.maxPromptLen(), npu.minResponseLen());
        }
    }

    /**
     * How OpenVINO is reached: {@code binding} {@code auto} (the openvino_contrib Java bindings when on
     * the classpath, else the C API), {@code c-api} or {@code java}; {@code library} is the C library
     * (empty: OPENVINO_LIB, then the archive and pip locations).
     */
    public record OpenVino(String library, Binding binding) implements Serializable {
        /** The binding as the OpenVINO adapter names it. */
        public OpenVinoPipelines.Binding bindingKind() {
            return switch (binding) {
                case C_API -> OpenVinoPipelines.Binding.C_API;
                case JAVA -> OpenVinoPipelines.Binding.JAVA;
                case AUTO -> OpenVinoPipelines.Binding.AUTO;
            };
        }
    }

    /** How OpenVINO is reached ({@code openvino.binding}). */
    public enum Binding {
        /** The openvino_contrib Java bindings when on the classpath, else the C API. */
        @JsonProperty("auto")
        AUTO,
        @JsonProperty("c-api")
        C_API,
        @JsonProperty("java")
        JAVA
    }

    /**
     * The in-JVM engine backend: threads per session, parallel shadow subtasks, a cap on generated tokens, and the
     * longest prompt (in tokens) it takes: the KV caches are sized for {@code maxPromptTokens + maxTokens} positions
     * (at most the model's context), longer prompts are {@code PROMPT_TOO_LONG} dead letters.
     */
    public record Engine(int threads, int parallelism, int maxTokens, int maxPromptTokens) implements Serializable {}

    /**
     * How llama.cpp candidates run ({@code llama-cpp.*}): threads per context, the KV cache type ({@code f16}, what a
     * llama.cpp server uses unless told otherwise, or {@code f32}) and flash attention ({@code auto}, llama.cpp's own
     * choice, or {@code disabled}). Set them as the served llama.cpp is set, so the monitor runs what it runs.
     */
    public record LlamaCpp(int threads, String kvCache, String flashAttention) implements Serializable {
        /** The backend's settings; the values are validated by {@code ConfigValidation}. */
        public LlamaCppPipelines.Settings settings() {
            return new LlamaCppPipelines.Settings(threads, "f32".equals(kvCache), "auto".equals(flashAttention));
        }
    }

    /**
     * The shadow stage's load limits: it never holds more sampled prompts than it can finish within
     * {@code maxDelay} (the rest are shed, uniformly per admission period); {@code timeout} bounds the
     * reference decode and each candidate's comparison of one prompt; {@code capacityPerSecond} pins the
     * prompts per second one shadow subtask serves (0: measured); {@code verifyCandidates} reads each candidate's
     * answer off its teacher-forced pass over the reference's answer (exact speculative decoding).
     */
    public record Shadow(Duration maxDelay, Duration timeout, double capacityPerSecond, boolean verifyCandidates)
            implements Serializable {}

    /**
     * Event-time windows: size, slide (equal to size for tumbling), tolerated disorder, idle-partition
     * timeout, and whether each candidate also gets a roll-up window over all tasks and tenants.
     */
    public record Windows(
            Duration size,
            Duration slide,
            Duration outOfOrderness,
            Duration idleTimeout,
            boolean rollup,
            Duration maxSkew,
            Duration maxAge,
            boolean followClockWhenIdle)
            implements Serializable {}

    /**
     * Alert rules; the built-in defaults apply unless {@code useDefaults} is false. A firing alert
     * whose key produces no window for {@code staleAfterWindows} slides resolves (no data).
     */
    public record Alerts(
            boolean useDefaults,
            List<Rule> rules,
            int staleAfterWindows,
            String method,
            double cusumThreshold,
            boolean perKey)
            implements Serializable {
        /** One rule as written in YAML. */
        public record Rule(
                String name,
                String metric,
                String direction,
                double threshold,
                double hysteresis,
                long minSamples,
                String baseline)
                implements Serializable {}
    }

    /** Divergent examples kept per window and key, and whether texts are redacted. */
    public record Samples(int perWindow, boolean redact, int maxChars) implements Serializable {}

    /**
     * Prometheus scrape endpoint and optional OTLP push; at most {@code maxTenants} tenants and {@code maxTasks} tasks
     * per candidate keep their own windows and series (the busiest lately; the rest count as {@code ~other}), and the
     * series of a key without a window for {@code idleAfter} are removed.
     */
    public record Metrics(Prometheus prometheus, Otlp otlp, int maxTenants, int maxTasks, Duration idleAfter)
            implements Serializable {
        /** The scrape endpoint. */
        public record Prometheus(boolean enabled, String host, int port) implements Serializable {}

        /** OTLP/HTTP push. */
        public record Otlp(boolean enabled, String url, Duration step) implements Serializable {}

        public MetricsSettings settings() {
            return new MetricsSettings(
                    prometheus.enabled(),
                    prometheus.host(),
                    prometheus.port(),
                    otlp.enabled() ? otlp.url() : null,
                    otlp.step());
        }
    }

    /**
     * Length of an admission period: the window slide, split into equal parts no longer than
     * {@code shadow.max-delay}, so periods never straddle a window boundary and a period's work fits the delay.
     */
    public long admissionPeriodMillis() {
        long slide = windows.slide().toMillis();
        long parts = Math.max(
                1,
                (slide + shadow.maxDelay().toMillis() - 1) / shadow.maxDelay().toMillis());
        while (slide % parts != 0) {
            parts++;
        }
        return slide / parts;
    }

    /**
     * How long a key may go without a window before it loses its series and its place: {@code metrics.idle-after},
     * but never less than two window slides (a key that reports every slide is never idle).
     */
    public Duration keyIdleAfter() {
        Duration twoSlides = windows.slide().multipliedBy(2);
        return metrics.idleAfter().compareTo(twoSlides) > 0 ? metrics.idleAfter() : twoSlides;
    }

    /** Candidate name → recipe, in configuration order. */
    public Map<String, String> candidateRecipes() {
        Map<String, String> m = new LinkedHashMap<>();
        candidates.forEach(c -> m.put(c.name(), c.recipe()));
        return m;
    }

    /** The rules in force: defaults (unless switched off) followed by the configured ones; a configured rule replaces a default of the same name. */
    /** How rate rules decide: {@code alerts.method}, refused with the field path when unknown. */
    public AlertMethod alertMethod() {
        try {
            return AlertMethod.valueOf(alerts.method().trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new ConfigException(
                    "alerts.method",
                    "'" + alerts.method() + "': use cusum (evidence adds up over windows) or window"
                            + " (one Wilson test per window)");
        }
    }

    public List<AlertRule> alertRules() {
        Map<String, AlertRule> byName = new LinkedHashMap<>();
        if (alerts.useDefaults()) {
            AlertRule.defaults().forEach(r -> byName.put(r.name(), r));
        }
        for (int i = 0; i < alerts.rules().size(); i++) {
            AlertRule r = ConfigValidation.rule(alerts.rules().get(i), "alerts.rules[" + i + "]");
            byName.put(r.name(), r);
        }
        return new ArrayList<>(byName.values());
    }

    /** Checks every field; throws {@link ConfigException} naming the first bad one and the fix. */
    public MonitorConfig validate() {
        ConfigValidation.validate(this);
        return this;
    }
}
