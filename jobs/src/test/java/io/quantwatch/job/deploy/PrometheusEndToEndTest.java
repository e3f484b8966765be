package io.quantwatch.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.embedded.DemoTraffic;
import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.embedded.Readiness;
import io.quantwatch.job.MonitorJob;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.schemas.PromptEvent;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus server (Debian's package, on loopback, data in a temporary directory) scrapes a running monitor
 * (MiniCluster, in-process broker, a candidate that changes answers) with the shipped rules: its alerts API shows
 * QuantizedAnswersChanged firing for that candidate only, and every series the shipped dashboard and rules read is one
 * Prometheus received. The rules' {@code for} durations are cut to a second (the expressions are the shipped ones),
 * so the test does not wait out five minutes.
 */
class PrometheusEndToEndTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafka kafka;
    private static JobClient job;
    private static Process prometheus;
    private static String prometheusUrl;
    private static Path dir;

    @BeforeAll
    static void monitorScrapedByPrometheus() throws Exception {
        kafka = EmbeddedKafka.start();
        JvmMeterRegistry.shutdown();
        MonitorConfig config = ConfigLoader.load(
                null,
                List.of(
                        "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "kafka.starting-offsets=earliest",
                        "reference.model=" + Promtool.root().resolve("models/quantwatch-demo-f16.gguf"),
                        "sampling.rate=1",
                        "sampling.per-tenant-per-second=1000",
                        "sampling.max-per-second=100000",
                        "sampling.burst=1000",
                        "shadow.capacity-per-second=1000",
                        "candidates=[{name: identical, backend: engine, recipe: reference},"
                                + " {name: int4-cw, backend: engine, recipe: 'int4 sym group=-1'}]",
                        "engine.max-tokens=32",
                        "windows.size=1min",
                        "windows.slide=1min",
                        "alerts.use-defaults=false",
                        "alerts.rules=[{name: identical-down-5pp, metric: identical-rate, direction: below,"
                                + " threshold: 0.97, hysteresis: 0.01, min-samples: 20}]",
                        // Traffic of ten minutes ago, then silence: event time must not jump to now, which would
                        // resolve the alert for lack of data before Prometheus has evaluated it.
                        "windows.follow-clock-when-idle=false",
                        "metrics.prometheus.host=127.0.0.1",
                        "metrics.prometheus.port=0",
                        "checkpoint-interval=1s"));
        kafka.createTopics(config.topics().names());
        // The operators of the MiniCluster share this JVM's registry: created here, its port is known before they open.
        String scrape = JvmMeterRegistry.get(config.metrics().settings()).scrapeUrl();
        produce(config);

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        job = MonitorJob.start(StreamExecutionEnvironment.createLocalEnvironment(2, conf), config);
        dir = Files.createTempDirectory("quantwatch-prometheus");
        prometheus = startPrometheus(URI.create(scrape));
        // Prometheus listens before it is ready (its API answers 503 while the TSDB opens): wait on /-/ready.
        Readiness.of("prometheus", prometheus, dir.resolve("prometheus.log"), Duration.ofMinutes(2))
                .await(Readiness.http200(URI.create(prometheusUrl + "/-/ready")));
    }

    /** 60 prompts in one minute-long window, a malformed record, and a prompt three minutes on that closes it. */
    private static void produce(MonitorConfig config) throws Exception {
        DemoTraffic traffic = new DemoTraffic(11, 32);
        Instant base = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MINUTES);
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            String topic = config.topics().prompts();
            PromptEvent e = null;
            for (int i = 0; i < 60; i++) {
                e = traffic.next(base.plusMillis(500L * i));
                producer.send(new ProducerRecord<>(topic, key(e), DemoTraffic.encode(e, i % 3 == 0)));
            }
            producer.send(
                    new ProducerRecord<>(topic, "bad".getBytes(StandardCharsets.UTF_8), DemoTraffic.malformed(0, e)));
            PromptEvent closing = traffic.next(base.plus(Duration.ofMinutes(3)));
            producer.send(new ProducerRecord<>(topic, key(closing), DemoTraffic.encode(closing, false)))
                    .get();
        }
    }

    private static byte[] key(PromptEvent e) {
        return e.getRequestId().getBytes(StandardCharsets.UTF_8);
    }

    private static Process startPrometheus(URI scrape) throws IOException {
        Path rules = PrometheusRulesTest.RULES_DIR.resolve("quantwatch-rules.yaml");
        Files.writeString(dir.resolve("rules.yaml"), Files.readString(rules).replaceAll("for: \\d+m", "for: 1s"));
        Files.writeString(
                dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s, evaluation_interval: 1s}
                rule_files: [rules.yaml]
                scrape_configs:
                  - job_name: quantwatch
                    metrics_path: %s
                    static_configs: [{targets: ['%s:%d']}]
                """.formatted(scrape.getPath(), scrape.getHost(), scrape.getPort()));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        prometheusUrl = "http://127.0.0.1:" + port;
        return new ProcessBuilder(
                        Promtool.binary("prometheus").toString(),
                        "--config.file=" + dir.resolve("prometheus.yml"),
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor(20, TimeUnit.SECONDS);
        }
        if (job != null) {
            job.cancel().get(1, TimeUnit.MINUTES);
        }
        JvmMeterRegistry.shutdown();
        if (kafka != null) {
            kafka.close();
        }
    }

    private static JsonNode api(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(prometheusUrl + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("data");
    }

    /** The firing alerts as "name candidate", polled until {@code expected} is among them or 4 minutes pass. */
    private static List<String> firingUntil(String expected) throws Exception {
        long end = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        List<String> firing = List.of();
        while (System.nanoTime() < end) {
            firing = new ArrayList<>();
            for (JsonNode a : api("/api/v1/alerts").path("alerts")) {
                if (a.path("state").asText().equals("firing")) {
                    firing.add(a.path("labels").path("alertname").asText() + " "
                            + a.path("labels").path("candidate").asText());
                }
            }
            if (firing.contains(expected)) {
                return firing;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no '" + expected + "' among the firing alerts " + firing + "; Prometheus log: "
                + Files.readString(dir.resolve("prometheus.log")));
    }

    @Test
    void theChangedCandidatesAlertFiresInPrometheusAndTheIdenticalOneStaysQuiet() throws Exception {
        List<String> firing = firingUntil("QuantizedAnswersChanged int4-cw");
        assertThat(firing).doesNotContain("QuantizedAnswersChanged identical");
        assertThat(api("/api/v1/targets")
                        .path("activeTargets")
                        .get(0)
                        .path("health")
                        .asText())
                .isEqualTo("up");
        // The shipped rules loaded as they are (only their `for` shortened): all thirteen, none failing to evaluate.
        int rules = 0;
        for (JsonNode group : api("/api/v1/rules").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules++;
                assertThat(rule.path("health").asText())
                        .as(rule.path("name").asText())
                        .isEqualTo("ok");
            }
        }
        assertThat(rules).isEqualTo(13);
    }

    @Test
    void everySeriesTheDashboardAndTheRulesReadIsOneTheMonitorExports() throws Exception {
        firingUntil("QuantizedAnswersChanged int4-cw"); // by then every window, alert and lag series exists
        Set<String> scraped = new TreeSet<>();
        api("/api/v1/label/__name__/values").forEach(n -> scraped.add(n.asText()));
        assertThat(scraped).as("what Prometheus received").contains("quantwatch_windows_closed_total");
        assertThat(scraped).containsAll(Dashboard.metricNames());
        Set<String> ruleSeries = new TreeSet<>();
        for (String expr : RuleFile.alerts(PrometheusRulesTest.RULES_DIR.resolve("quantwatch-rules.yaml"))
                .values()) {
            var m = java.util.regex.Pattern.compile("\\b(quantwatch_[a-z0-9_]+|process_uptime_seconds)\\b")
                    .matcher(expr);
            while (m.find()) {
                ruleSeries.add(m.group(1));
            }
        }
        assertThat(ruleSeries).hasSizeGreaterThan(8);
        assertThat(scraped).containsAll(ruleSeries);
    }
}
