package io.quantwatch.job.config;

import io.quantwatch.chat.jinja.TemplateException;
import io.quantwatch.connectors.chat.ChatTemplateLoader;
import io.quantwatch.connectors.engine.ModelCache;
import io.quantwatch.connectors.kafka.RecordMapping;
import io.quantwatch.connectors.openvino.OpenVinoPipelines;
import io.quantwatch.connectors.openvino.OpenVinoUnavailableException;
import io.quantwatch.detectors.alert.AlertRule;
import io.quantwatch.detectors.alert.DriftMetric;
import io.quantwatch.engine.quant.CandidateModels;
import io.quantwatch.engine.quant.QuantRecipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The checks behind {@link MonitorConfig#validate()}: one method per section, messages that name the field. */
final class ConfigValidation {

    private ConfigValidation() {}

    static void validate(MonitorConfig c) {
        require(c.kafka() != null, "kafka", "missing section");
        notBlank(c.kafka().bootstrapServers(), "kafka.bootstrap-servers", "host:port of at least one broker");
        notBlank(c.kafka().groupId(), "kafka.group-id", "the consumer group of the monitor");
        require(
                c.kafka().startingOffsets() != null,
                "kafka.starting-offsets",
                "missing: earliest, latest or committed");
        require(c.kafka().delivery() != null, "kafka.delivery", "missing: at-least-once, exactly-once or none");
        if (c.kafka().delivery() == MonitorConfig.Delivery.EXACTLY_ONCE) {
            notBlank(
                    c.kafka().transactionalIdPrefix(),
                    "kafka.transactional-id-prefix",
                    "required with exactly-once delivery");
        }
        var t = c.topics();
        require(t != null, "topics", "missing section");
        notBlank(t.prompts(), "topics.prompts", "topic name");
        notBlank(t.deadLetters(), "topics.dead-letters", "topic name");
        notBlank(t.metrics(), "topics.metrics", "topic name");
        notBlank(t.alerts(), "topics.alerts", "topic name");
        notBlank(t.samples(), "topics.samples", "topic name");
        var s = c.sampling();
        require(
                s.rate() > 0 && s.rate() <= 1,
                "sampling.rate",
                "must be in (0, 1] (a share of request ids), got " + s.rate());
        require(
                s.perTenantPerSecond() > 0,
                "sampling.per-tenant-per-second",
                "must be > 0, got " + s.perTenantPerSecond());
        require(s.burst() >= 1, "sampling.burst", "must be >= 1 (prompts a tenant may send at once), got " + s.burst());
        require(
                s.dedupHorizon() != null && !s.dedupHorizon().isNegative(),
                "sampling.dedup-horizon",
                "must be a duration >= 0 such as 10min (0s remembers no request ids), got " + s.dedupHorizon());
        require(
                s.maxPerSecond() > 0,
                "sampling.max-per-second",
                "must be > 0 (prompts per second sampled over all tenants), got " + s.maxPerSecond());
        var meters = c.metrics();
        require(
                meters.maxTenants() >= 0 && meters.maxTenants() <= 10_000,
                "metrics.max-tenants",
                "must be 0 to 10000 (tenants with their own windows and series per candidate), got "
                        + meters.maxTenants());
        require(
                meters.maxTasks() >= 0 && meters.maxTasks() <= 10_000,
                "metrics.max-tasks",
                "must be 0 to 10000, got " + meters.maxTasks());
        require(
                meters.idleAfter() != null && meters.idleAfter().toMillis() > 0,
                "metrics.idle-after",
                "must be a positive duration such as 1h, got " + meters.idleAfter());
        notBlank(
                c.reference().servedModel(),
                "reference.served-model",
                "the served model name to shadow, or * for every prompt");
        require(
                c.candidates() != null && !c.candidates().isEmpty(),
                "candidates",
                "configure at least one candidate pipeline");
        if (c.candidates().stream()
                .anyMatch(cand -> cand.backend() == MonitorConfig.Backend.ENGINE
                        || cand.backend() == MonitorConfig.Backend.LLAMA_CPP)) {
            notBlank(c.reference().model(), "reference.model", "path of the reference GGUF file");
            require(
                    Files.isRegularFile(Path.of(c.reference().model())),
                    "reference.model",
                    "no such file: " + Path.of(c.reference().model()).toAbsolutePath()
                            + " (the bundled model is models/quantwatch-demo-f16.gguf)");
        }
        try {
            RecordMapping.load(c.input().settings());
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            int colon = e.getMessage().indexOf(": ");
            throw new ConfigException(
                    colon > 0 ? e.getMessage().substring(0, colon) : "input",
                    e.getMessage().substring(colon + 2));
        }
        schemaRegistry(c.schemaRegistry());
        notBlank(c.chat().template(), "chat.template", "gguf, or a tokenizer_config.json or .jinja file");
        if (!c.chat().template().equals("gguf")) {
            require(
                    Files.isRegularFile(Path.of(c.chat().template())),
                    "chat.template",
                    "no such file: " + Path.of(c.chat().template()).toAbsolutePath()
                            + " (gguf, or a tokenizer_config.json or .jinja file present on every TaskManager)");
            try {
                // Parsed here too, so a template that cannot be read or parsed stops the job at start.
                ChatTemplateLoader.load(c.chat().settings(c.reference().model()));
            } catch (IllegalArgumentException | TemplateException | java.io.UncheckedIOException e) {
                String m = e.getMessage();
                throw new ConfigException(
                        m.startsWith("chat.template-name") ? "chat.template-name" : "chat.template",
                        m.startsWith("chat.template-name: ") ? m.substring("chat.template-name: ".length()) : m);
            }
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < c.candidates().size(); i++) {
            var cand = c.candidates().get(i);
            String at = "candidates[" + i + "]";
            notBlank(cand.name(), at + ".name", "a unique name, e.g. int4-g128");
            require(
                    names.add(cand.name()),
                    at + ".name",
                    "'" + cand.name() + "' is used twice; candidate names must be unique");
            require(cand.backend() != null, at + ".backend", "missing: engine, llama.cpp or openvino");
            if (cand.backend() == MonitorConfig.Backend.ENGINE) {
                notBlank(cand.recipe(), at + ".recipe", "a recipe such as 'int4 sym group=128', or 'reference'");
                if (CandidateModels.isFile(cand.recipe())) {
                    requireGgufFile(
                            cand,
                            at,
                            "a file: candidate is a GGUF of the reference's model, on every TaskManager host");
                } else if (!ModelCache.isReference(cand.recipe())) {
                    try {
                        QuantRecipe.parse(cand.recipe());
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(at + ".recipe", e.getMessage());
                    }
                }
            } else if (cand.backend() == MonitorConfig.Backend.LLAMA_CPP) {
                llamaCppCandidate(cand, at);
            } else {
                openvinoCandidate(c, cand, at);
            }
        }
        var l = c.llamaCpp();
        require(l.threads() >= 1, "llama-cpp.threads", "must be >= 1, got " + l.threads());
        require(
                "f16".equals(l.kvCache()) || "f32".equals(l.kvCache()),
                "llama-cpp.kv-cache",
                "must be f16 or f32, got '" + l.kvCache() + "'");
        require(
                "auto".equals(l.flashAttention()) || "disabled".equals(l.flashAttention()),
                "llama-cpp.flash-attention",
                "must be auto or disabled, got '" + l.flashAttention() + "'");
        var e = c.engine();
        require(e.threads() >= 1, "engine.threads", "must be >= 1, got " + e.threads());
        require(e.parallelism() >= 1, "engine.parallelism", "must be >= 1, got " + e.parallelism());
        require(e.maxTokens() >= 1, "engine.max-tokens", "must be >= 1, got " + e.maxTokens());
        require(
                e.maxPromptTokens() >= 1 && e.maxPromptTokens() <= 1 << 20,
                "engine.max-prompt-tokens",
                "must be 1 to 1048576 (the KV caches hold this plus engine.max-tokens positions), got "
                        + e.maxPromptTokens());
        var sh = c.shadow();
        require(sh != null, "shadow", "missing section");
        positive(sh.maxDelay(), "shadow.max-delay");
        positive(sh.timeout(), "shadow.timeout");
        require(
                sh.timeout().compareTo(sh.maxDelay()) <= 0,
                "shadow.timeout",
                "must not exceed shadow.max-delay (" + sh.maxDelay() + "): a prompt's work must fit the delay, got "
                        + sh.timeout());
        require(
                sh.capacityPerSecond() >= 0,
                "shadow.capacity-per-second",
                "must be >= 0 (prompts per second one shadow subtask serves; 0 measures it), got "
                        + sh.capacityPerSecond());
        var w = c.windows();
        positive(w.size(), "windows.size");
        positive(w.slide(), "windows.slide");
        require(
                w.slide().compareTo(w.size()) <= 0,
                "windows.slide",
                "must not exceed windows.size (" + w.size() + "), got " + w.slide());
        require(w.size().toMillis() % w.slide().toMillis() == 0, "windows.slide", "must divide windows.size evenly");
        require(
                w.outOfOrderness() != null && !w.outOfOrderness().isNegative(),
                "windows.out-of-orderness",
                "must be >= 0");
        positive(w.idleTimeout(), "windows.idle-timeout");
        positive(w.maxSkew(), "windows.max-skew");
        require(
                w.maxSkew().compareTo(Duration.ofHours(1)) < 0,
                "windows.max-skew",
                "must be under 1h: brokers refuse timestamps more than an hour ahead by default (log.message.timestamp.after.max.ms), got "
                        + w.maxSkew());
        positive(w.maxAge(), "windows.max-age");
        c.alertRules();
        require(
                c.alerts().staleAfterWindows() >= 1,
                "alerts.stale-after-windows",
                "must be >= 1, got " + c.alerts().staleAfterWindows());
        c.alertMethod();
        require(
                c.alerts().cusumThreshold() > 0,
                "alerts.cusum-threshold",
                "must be > 0 (nats of evidence), got " + c.alerts().cusumThreshold());
        require(
                c.alerts().perKey() || w.rollup(),
                "alerts.per-key",
                "must be true when windows.rollup is false: without roll-ups, per-key windows are the only ones alerts can watch");
        require(
                c.samples().perWindow() >= 0,
                "samples.per-window",
                "must be >= 0, got " + c.samples().perWindow());
        require(
                c.samples().maxChars() >= 16,
                "samples.max-chars",
                "must be >= 16, got " + c.samples().maxChars());
        var p = c.metrics().prometheus();
        require(
                p.port() >= 0 && p.port() <= 65535,
                "metrics.prometheus.port",
                "must be 0..65535 (0 picks a free port), got " + p.port());
        notBlank(p.host(), "metrics.prometheus.host", "127.0.0.1 keeps the endpoint private; 0.0.0.0 exposes it");
        if (c.metrics().otlp().enabled()) {
            notBlank(
                    c.metrics().otlp().url(),
                    "metrics.otlp.url",
                    "the OTLP/HTTP endpoint, e.g. http://collector:4318/v1/metrics");
            positive(c.metrics().otlp().step(), "metrics.otlp.step");
        }
        positive(c.checkpointInterval(), "checkpoint-interval");
    }

    private static final Pattern DEVICE = Pattern.compile("(CPU|GPU|NPU)(\\.\\d+)?");

    /** An openvino candidate: device, NPU settings, and the folder checks that need no OpenVINO library (asymmetric INT4 on NPU). */
    /** A llama.cpp candidate names a GGUF file ({@code file:PATH}) or the reference itself. */
    private static void llamaCppCandidate(MonitorConfig.Candidate cand, String at) {
        notBlank(
                cand.recipe(),
                at + ".recipe",
                "'file:<path to the GGUF your llama.cpp server serves>', or 'reference'");
        if (ModelCache.isReference(cand.recipe())) {
            return;
        }
        require(
                CandidateModels.isFile(cand.recipe()),
                at + ".recipe",
                "a llama.cpp candidate runs a GGUF file: 'file:<path>' (or 'reference'), got '" + cand.recipe() + "'");
        requireGgufFile(cand, at, "a llama.cpp candidate is a GGUF on every TaskManager host");
    }

    /** The GGUF a {@code file:} recipe names exists here; {@code what} says where it must be. */
    private static void requireGgufFile(MonitorConfig.Candidate cand, String at, String what) {
        Path f;
        try {
            f = CandidateModels.file(cand.recipe());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at + ".recipe", e.getMessage());
        }
        require(Files.isRegularFile(f), at + ".recipe", "no such file: " + f.toAbsolutePath() + " (" + what + ")");
    }

    private static void openvinoCandidate(MonitorConfig c, MonitorConfig.Candidate cand, String at) {
        require(c.openvino().binding() != null, "openvino.binding", "missing: auto, c-api or java");
        notBlank(
                c.reference().openvinoDir(),
                "reference.openvino-dir",
                "the FP16 OpenVINO export the openvino candidates are compared with");
        notBlank(cand.modelDir(), at + ".model-dir", "the candidate's optimum-cli export folder");
        require(
                cand.device() != null && DEVICE.matcher(cand.device()).matches(),
                at + ".device",
                "'" + cand.device() + "': use CPU, GPU or NPU (optionally with an index, e.g. GPU.1)");
        require(
                c.reference().openvinoDevice() != null
                        && DEVICE.matcher(c.reference().openvinoDevice()).matches(),
                "reference.openvino-device",
                "'" + c.reference().openvinoDevice() + "': use CPU, GPU or NPU");
        if (cand.npu() != null) {
            require(
                    cand.npu().maxPromptLen() >= 1,
                    at + ".npu.max-prompt-len",
                    "must be >= 1, got " + cand.npu().maxPromptLen());
            require(
                    cand.npu().minResponseLen() >= 1,
                    at + ".npu.min-response-len",
                    "must be >= 1, got " + cand.npu().minResponseLen());
        }
        try {
            OpenVinoPipelines.checkFolders(c.reference().openvinoSide(), cand.openvinoSide());
        } catch (OpenVinoUnavailableException e) {
            throw new ConfigException(at + ".model-dir", e.getMessage());
        }
    }

    static AlertRule rule(MonitorConfig.Alerts.Rule r, String at) {
        notBlank(r.name(), at + ".name", "a rule name");
        DriftMetric metric;
        try {
            metric = DriftMetric.valueOf(
                    r.metric().trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (RuntimeException e) {
            throw new ConfigException(
                    at + ".metric",
                    "'" + r.metric() + "' is not a metric; use one of "
                            + Arrays.stream(DriftMetric.values())
                                    .map(m -> m.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                                    .toList());
        }
        AlertRule.Direction direction;
        try {
            direction = AlertRule.Direction.valueOf(r.direction().trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new ConfigException(at + ".direction", "'" + r.direction() + "': use above or below");
        }
        AlertRule.Baseline baseline;
        try {
            baseline = r.baseline() == null
                    ? AlertRule.Baseline.FIXED
                    : AlertRule.Baseline.valueOf(r.baseline().trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new ConfigException(
                    at + ".baseline",
                    "'" + r.baseline() + "': use fixed (the threshold is the bound) or learned"
                            + " (the threshold is a change from what the key did at first)");
        }
        try {
            return new AlertRule(r.name(), metric, direction, r.threshold(), r.hysteresis(), r.minSamples(), baseline);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at, e.getMessage());
        }
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new ConfigException(field, problem);
        }
    }

    private static void notBlank(String value, String field, String what) {
        require(value != null && !value.isBlank(), field, "missing: " + what);
    }

    private static void positive(Duration d, String field) {
        require(
                d != null && !d.isNegative() && !d.isZero(),
                field,
                "must be a positive duration such as 30s or 5min, got " + d);
    }

    /** {@code schema-registry.*}: URLs a client can use, credentials kept out of them, positive timeouts. */
    private static void schemaRegistry(MonitorConfig.SchemaRegistry r) {
        require(r != null, "schema-registry", "the section is missing from the configuration");
        var settings = r.settings();
        for (String url : settings.urls()) {
            java.net.URI u;
            try {
                u = java.net.URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("schema-registry.url", "'" + url + "' is not a URL: " + e.getMessage());
            }
            require(
                    "http".equals(u.getScheme()) || "https".equals(u.getScheme()),
                    "schema-registry.url",
                    "'" + url + "' must start with http:// or https://");
            require(
                    u.getUserInfo() == null,
                    "schema-registry.url",
                    "holds credentials; put them in schema-registry.basic-auth-user and basic-auth-password"
                            + " (${env:NAME} or ${file:/path}) so they are never printed");
        }
        require(
                !r.frameOutputs() || settings.configured(),
                "schema-registry.frame-outputs",
                "needs schema-registry.url: the ids of the output schemas come from the registry");
        require(
                r.requestTimeout() != null && r.requestTimeout().toMillis() > 0,
                "schema-registry.request-timeout",
                "must be a positive duration such as 10s");
        require(
                r.outageWait() != null && !r.outageWait().isNegative(),
                "schema-registry.outage-wait",
                "must be a duration >= 0 such as 30s (0s: dead-letter at once while the registry is down)");
        storeFile(r.truststore(), "schema-registry.truststore");
        storeFile(r.keystore(), "schema-registry.keystore");
    }

    /** A key or trust store setting: empty, or a file that exists. */
    private static void storeFile(String file, String field) {
        require(file == null || file.isEmpty() || Files.isRegularFile(Path.of(file)), field, "no such file: " + file);
    }
}
