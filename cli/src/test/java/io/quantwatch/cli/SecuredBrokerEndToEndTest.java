package io.quantwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.connectors.metrics.JvmMeterRegistry;
import io.quantwatch.embedded.DemoTraffic;
import io.quantwatch.embedded.EmbeddedKafka;
import io.quantwatch.embedded.Readiness;
import io.quantwatch.embedded.TestCertificates;
import io.quantwatch.embedded.TopicReader;
import io.quantwatch.job.MonitorJob;
import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import io.quantwatch.review.ReviewApp;
import io.quantwatch.review.ingest.ReviewIngestion;
import io.quantwatch.review.store.ReviewStore;
import io.quantwatch.review.web.ReviewServer;
import io.quantwatch.schemas.DriftMetrics;
import io.quantwatch.schemas.PromptEvent;
import io.quantwatch.security.KafkaAccessCheck;
import java.io.StringWriter;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The monitor on a secured broker, with only the ACLs the README lists: the job (exactly-once sinks) and its lag
 * poller over SASL_SSL with SCRAM-SHA-512, the review page over mutual TLS. The SCRAM password and the truststore
 * password are {@code ${file:…}} references; neither appears in the job graph shipped to Flink, its configuration,
 * the logs (Kafka's and Flink's at INFO) or the metrics endpoint.
 */
class SecuredBrokerEndToEndTest {
    private static final String SCRAM_PASSWORD = "scram-" + Long.toHexString(System.nanoTime());
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Loggers that log client and job configuration at INFO. */
    private static final List<String> CAPTURED = List.of("org.apache.kafka", "org.apache.flink");

    private static Path dir;
    private static TestCertificates certs;
    private static EmbeddedKafka kafka;
    private static MonitorConfig config;
    private static JobClient job;
    private static byte[] jobGraph;
    private static String flinkConfiguration;
    private static ReviewApp review;
    private static final StringWriter LOGS = new StringWriter();
    private static WriterAppender capture;

    @BeforeAll
    static void monitorOnASecuredBroker() throws Exception {
        captureLogsAtInfo();
        dir = Files.createTempDirectory("quantwatch-secured");
        certs = TestCertificates.create(dir);
        kafka = EmbeddedKafka.startSecured(certs);
        kafka.addScramUser("monitor", SCRAM_PASSWORD);
        Files.writeString(dir.resolve("scram-password"), SCRAM_PASSWORD + "\n");
        Files.writeString(dir.resolve("truststore-password"), certs.password());

        JvmMeterRegistry.shutdown();
        config = ConfigLoader.load(
                null,
                List.of(
                        "kafka.bootstrap-servers=" + kafka.bootstrapServers("SASL_SSL"),
                        "kafka.starting-offsets=earliest",
                        "kafka.delivery=exactly-once",
                        "kafka.properties.security\\.protocol=SASL_SSL",
                        "kafka.properties.sasl\\.mechanism=SCRAM-SHA-512",
                        "kafka.properties.sasl\\.jaas\\.config='org.apache.kafka.common.security.scram.ScramLoginModule"
                                + " required username=\"monitor\" password=\"${file:" + dir.resolve("scram-password")
                                + "}\";'",
                        "kafka.properties.ssl\\.truststore\\.location=" + certs.caTruststore(),
                        "kafka.properties.ssl\\.truststore\\.type=PKCS12",
                        "kafka.properties.ssl\\.truststore\\.password='${file:" + dir.resolve("truststore-password")
                                + "}'",
                        "reference.model=" + root().resolve("models/quantwatch-demo-f16.gguf"),
                        "sampling.rate=1",
                        "sampling.per-tenant-per-second=1000",
                        "sampling.max-per-second=100000",
                        "sampling.burst=1000",
                        "shadow.capacity-per-second=1000",
                        "candidates=[{name: identical, backend: engine, recipe: reference}]",
                        "engine.max-tokens=8",
                        "windows.size=1min",
                        "windows.slide=1min",
                        "alerts.use-defaults=false",
                        "metrics.prometheus.host=127.0.0.1",
                        "metrics.prometheus.port=0",
                        "checkpoint-interval=1s"));
        kafka.createTopics(config.topics().names());
        kafka.addAcls(monitorAcls("User:monitor"));
        kafka.addAcls(reviewAcls(certs.clientPrincipal()));
        produce();

        MonitorJob.checkKafkaAccess(config);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        MonitorJob.define(env, config, false);
        JobGraph graph = env.getStreamGraph(false).getJobGraph();
        jobGraph = InstantiationUtil.serializeObject(graph);
        flinkConfiguration = env.getConfiguration().toMap() + " "
                + graph.getJobConfiguration().toMap();
        job = env.executeAsync(MonitorJob.NAME);

        Map<String, String> mtls = new HashMap<>(certs.mutualTlsClient());
        mtls.put("bootstrap.servers", kafka.bootstrapServers("SSL"));
        KafkaAccessCheck.check(mtls, Duration.ofSeconds(20));
        var t = config.topics();
        review = ReviewApp.start(new ReviewApp.Settings(
                mtls,
                "quantwatch-review",
                true,
                new ReviewIngestion.Topics(t.samples(), t.metrics(), t.alerts()),
                ReviewStore.sqliteUrl(dir.resolve("review")),
                null,
                null,
                new ReviewServer.Settings("127.0.0.1", 0, null),
                Duration.ofDays(1),
                io.quantwatch.registry.SchemaRegistrySettings.none()));
    }

    /** What the README's ACL table lists for the monitor's principal (exactly-once delivery). */
    static List<AclBinding> monitorAcls(String principal) {
        var t = config.topics();
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(ResourceType.TOPIC, t.prompts(), PatternType.LITERAL, principal, AclOperation.READ));
        for (String out : List.of(t.deadLetters(), t.shadowRecords(), t.metrics(), t.alerts(), t.samples())) {
            acls.add(allow(ResourceType.TOPIC, out, PatternType.LITERAL, principal, AclOperation.WRITE));
        }
        acls.add(
                allow(ResourceType.GROUP, config.kafka().groupId(), PatternType.LITERAL, principal, AclOperation.READ));
        acls.add(allow(
                ResourceType.TRANSACTIONAL_ID,
                config.kafka().transactionalIdPrefix(),
                PatternType.PREFIXED,
                principal,
                AclOperation.WRITE));
        return acls;
    }

    /** What the README lists for {@code quantwatch review}'s principal. */
    static List<AclBinding> reviewAcls(String principal) {
        var t = config.topics();
        List<AclBinding> acls = new ArrayList<>();
        for (String in : List.of(t.metrics(), t.alerts(), t.samples())) {
            acls.add(allow(ResourceType.TOPIC, in, PatternType.LITERAL, principal, AclOperation.READ));
        }
        acls.add(allow(ResourceType.GROUP, "quantwatch-review", PatternType.LITERAL, principal, AclOperation.READ));
        return acls;
    }

    private static AclBinding allow(
            ResourceType type, String name, PatternType pattern, String principal, AclOperation op) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }

    /** 30 prompts in one minute-long window, then one three minutes on that closes it (over PLAINTEXT: setup). */
    private static void produce() throws Exception {
        DemoTraffic traffic = new DemoTraffic(5, 8);
        Instant base = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MINUTES);
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 30; i++) {
                PromptEvent e = traffic.next(base.plusSeconds(i));
                producer.send(new ProducerRecord<>(config.topics().prompts(), DemoTraffic.encode(e, false)));
            }
            PromptEvent closing = traffic.next(base.plus(Duration.ofMinutes(3)));
            producer.send(new ProducerRecord<>(config.topics().prompts(), DemoTraffic.encode(closing, false)))
                    .get();
        }
    }

    /**
     * Kafka logs every client's configuration at INFO: the place a resolved secret would show. Those loggers get their
     * own configuration for this test, at INFO, writing only to an in-memory appender.
     */
    private static void captureLogsAtInfo() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        capture = WriterAppender.newBuilder()
                .setName("secret-capture")
                .setTarget(LOGS)
                .setLayout(PatternLayout.newBuilder()
                        .withPattern("%c - %m%n%throwable")
                        .build())
                .build();
        capture.start();
        var cfg = ctx.getConfiguration();
        cfg.addAppender(capture);
        for (String name : CAPTURED) {
            LoggerConfig logger = new LoggerConfig(name, Level.INFO, false);
            logger.addAppender(capture, Level.INFO, null);
            cfg.addLogger(name, logger);
        }
        ctx.updateLoggers();
    }

    private static void restoreLogging() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        CAPTURED.forEach(ctx.getConfiguration()::removeLogger);
        ctx.updateLoggers();
        capture.stop();
    }

    @AfterAll
    static void stop() throws Exception {
        if (review != null) {
            review.close();
        }
        if (job != null) {
            job.cancel().get(1, TimeUnit.MINUTES);
        }
        JvmMeterRegistry.shutdown();
        if (kafka != null) {
            kafka.close();
        }
        restoreLogging();
    }

    private static Path root() {
        return Path.of(System.getProperty("quantwatch.root", "..")).toAbsolutePath();
    }

    @Test
    void theJobShadowsPromptsOverSaslSslAndTheReviewPageReadsItsWindowsOverMutualTls() throws Exception {
        try (TopicReader<DriftMetrics> metrics =
                new TopicReader<>(kafka.bootstrapServers(), config.topics().metrics(), DriftMetrics.class)) {
            List<DriftMetrics> windows = new ArrayList<>();
            Readiness.of("the monitor's first window", null, null, Duration.ofMinutes(3))
                    .await(() -> {
                        windows.addAll(metrics.poll(Duration.ofMillis(500)));
                        return windows.isEmpty() ? Optional.of("no window published yet") : Optional.empty();
                    });
            assertThat(windows).allSatisfy(w -> assertThat(w.getCandidate()).isEqualTo("identical"));
        }
        Pattern stored = Pattern.compile("\"stored\":(\\d+)");
        Readiness.of("the review page's ingestion over mutual TLS", null, null, Duration.ofMinutes(1))
                .await(() -> {
                    String status = HTTP.send(
                                    HttpRequest.newBuilder(URI.create(review.url() + "api/status"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
                    Matcher m = stored.matcher(status);
                    return m.find() && Long.parseLong(m.group(1)) > 0
                            ? Optional.empty()
                            : Optional.of("status " + status);
                });
    }

    @Test
    void theLagPollerMeasuresTheGroupOverSaslSsl() {
        JvmMeterRegistry registry = JvmMeterRegistry.get(config.metrics().settings());
        Pattern lag = Pattern.compile(
                "quantwatch_kafka_lag\\{[^}]*topic=\"" + config.topics().prompts() + "\"[^}]*} (\\d+\\.\\d+)");
        Readiness.of("the consumer-group lag gauge", null, null, Duration.ofMinutes(2))
                .await(() -> lag.matcher(registry.scrape()).find()
                        ? Optional.empty()
                        : Optional.of("no numeric quantwatch_kafka_lag yet"));
    }

    @Test
    void noSecretIsInTheJobGraphTheFlinkConfigurationTheLogsOrTheMetrics() throws Exception {
        // Let the clients connect (and log their configuration) first.
        theLagPollerMeasuresTheGroupOverSaslSsl();
        String graph = new String(jobGraph, StandardCharsets.ISO_8859_1);
        String metrics = JvmMeterRegistry.get(config.metrics().settings()).scrape();
        String logs = LOGS.toString();
        assertThat(logs).as("the logs were captured").contains("ConsumerConfig values");
        assertThat(graph.contains("${file:" + dir.resolve("scram-password")))
                .as("the job graph carries the reference")
                .isTrue();
        for (String secret : List.of(SCRAM_PASSWORD, certs.password())) {
            // Booleans, not AssertJ's contains: a failure must not print the secret or a binary job graph.
            assertThat(graph.contains(secret))
                    .as("the job graph holds a secret")
                    .isFalse();
            assertThat(flinkConfiguration.contains(secret))
                    .as("the Flink configuration holds a secret")
                    .isFalse();
            assertThat(logs.contains(secret)).as("the logs hold a secret").isFalse();
            assertThat(metrics.contains(secret))
                    .as("the metrics endpoint shows a secret")
                    .isFalse();
        }
    }
}
