package io.quantwatch.cli;

import io.quantwatch.review.ReviewApp;
import io.quantwatch.review.ingest.ReviewIngestion;
import io.quantwatch.review.store.ReviewStore;
import io.quantwatch.review.web.ReviewServer;
import io.quantwatch.security.KafkaAccessCheck;
import io.quantwatch.security.SecretMask;
import io.quantwatch.security.SecretReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quantwatch review}: the review page against a real cluster — reads drift-samples, drift-metrics and
 * drift-alerts into a database (SQLite under --data-dir, or PostgreSQL with --db) and serves the page until Ctrl-C.
 */
@Command(
        name = "review",
        mixinStandardHelpOptions = true,
        description = "Serve the review page: timeline, queue of divergent samples, side-by-side view, labels.")
public final class ReviewCommand implements Runnable {
    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers of the monitor.")
    String bootstrapServers;

    @Option(
            names = "--kafka-property",
            description = "A Kafka client property, e.g. security.protocol=SASL_SSL (repeatable).")
    List<String> kafkaProperties = List.of();

    @Option(
            names = "--db",
            description = "JDBC URL of a PostgreSQL database (jdbc:postgresql://host:5432/review); default: SQLite"
                    + " under --data-dir. ${env:NAME} and ${file:/path} references are resolved.")
    String database;

    @Option(
            names = "--db-user",
            description =
                    "Database user (default: the environment variable QUANTWATCH_REVIEW_DB_USER, else the URL's).")
    String databaseUser;

    @Option(
            names = "--db-password-file",
            description = "File holding the database password (default: the environment variable"
                    + " QUANTWATCH_REVIEW_DB_PASSWORD). Never put the password in --db: the process list shows it.")
    Path databasePasswordFile;

    @Option(
            names = "--data-dir",
            defaultValue = "quantwatch-review",
            description = "SQLite's directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8090", description = "Port (default: ${DEFAULT-VALUE}; 0: any free).")
    int port;

    @Option(
            names = "--allowed-host",
            description = "A name the page is reached by besides the loopback names and --host, e.g. the DNS name of"
                    + " its ingress (repeatable); requests under any other Host are refused (DNS rebinding).")
    List<String> allowedHosts = List.of();

    @Option(
            names = "--token",
            description = "Bearer token the API requires (default: the environment variable QUANTWATCH_REVIEW_TOKEN;"
                    + " none: open to whoever reaches --host).")
    String token;

    @Option(
            names = "--from",
            defaultValue = "earliest",
            description = "Where a new page starts reading: earliest or latest (default: ${DEFAULT-VALUE}).")
    String from;

    @Option(
            names = "--group",
            defaultValue = "quantwatch-review",
            description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(
            names = "--retention",
            defaultValue = "30d",
            description = "Forget windows, samples and labels older than this (default: ${DEFAULT-VALUE}).")
    String retention;

    @Option(
            names = "--schema-registry-url",
            description = "Schema Registry whose framing the monitor's topics use (schema-registry.frame-outputs);"
                    + " several base URLs may be given separated by commas.")
    String registryUrl;

    @Option(names = "--schema-registry-user", description = "The registry's basic-auth user.")
    String registryUser;

    @Option(
            names = "--schema-registry-password-file",
            description = "File holding the registry's password (default: the environment variable"
                    + " QUANTWATCH_SCHEMA_REGISTRY_PASSWORD).")
    Path registryPasswordFile;

    @Option(
            names = "--schema-registry-truststore",
            description = "PKCS12/JKS truststore with the registry's CA (default: the JVM's).")
    Path registryTruststore;

    @Option(
            names = "--schema-registry-truststore-password-file",
            description = "File holding the truststore's password.")
    Path registryTruststorePasswordFile;

    @Option(names = "--samples-topic", defaultValue = "drift-samples")
    String samplesTopic;

    @Option(names = "--metrics-topic", defaultValue = "drift-metrics")
    String metricsTopic;

    @Option(names = "--alerts-topic", defaultValue = "drift-alerts")
    String alertsTopic;

    @Override
    public void run() {
        if (!from.equals("earliest") && !from.equals("latest")) {
            throw new IllegalArgumentException("--from must be earliest or latest, got '" + from + "'");
        }
        Map<String, String> kafka = new HashMap<>();
        for (String p : kafkaProperties) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "--kafka-property must be key=value, got '" + SecretMask.text(p) + "'");
            }
            kafka.put(p.substring(0, eq), p.substring(eq + 1));
        }
        kafka.put("bootstrap.servers", bootstrapServers);
        kafka.forEach((k, v) -> {
            if (SecretMask.isSecretKey(k) && !SecretMask.value(k, v).equals(v)) {
                System.err.println("quantwatch review: warning: --kafka-property " + k + " holds a secret in clear,"
                        + " visible in the process list; write ${env:NAME} or ${file:/path} instead");
            }
        });
        String url = database != null ? SecretReference.resolve(database) : ReviewStore.sqliteUrl(dataDir);
        if (database != null && !SecretMask.text(database).equals(database)) {
            System.err.println("quantwatch review: warning: --db holds a password, visible in the process list;"
                    + " use --db-password-file or QUANTWATCH_REVIEW_DB_PASSWORD");
        }
        String user = databaseUser != null ? databaseUser : System.getenv("QUANTWATCH_REVIEW_DB_USER");
        String password = databasePasswordFile != null
                ? SecretReference.resolve("${file:" + databasePasswordFile.toAbsolutePath() + "}")
                : System.getenv("QUANTWATCH_REVIEW_DB_PASSWORD");
        KafkaAccessCheck.check(kafka, Duration.ofSeconds(30));
        String t = token != null ? token : System.getenv("QUANTWATCH_REVIEW_TOKEN");
        ReviewApp.Settings settings = new ReviewApp.Settings(
                kafka,
                group,
                from.equals("earliest"),
                new ReviewIngestion.Topics(samplesTopic, metricsTopic, alertsTopic),
                url,
                user,
                password,
                new ReviewServer.Settings(host, port, t, allowedHosts),
                TimeUtils.parseDuration(retention),
                registrySettings());
        CountDownLatch stop = new CountDownLatch(1);
        try (ReviewApp app = ReviewApp.start(settings)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "quantwatch-review-shutdown"));
            System.out.printf("quantwatch review: %s (database %s) · Ctrl-C stops%n", app.url(), app.database());
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The registry options as client settings; passwords stay references, resolved by the client. */
    private io.quantwatch.registry.SchemaRegistrySettings registrySettings() {
        if (registryUrl == null || registryUrl.isBlank()) {
            return io.quantwatch.registry.SchemaRegistrySettings.none();
        }
        if (registryUrl.contains("@")) {
            throw new IllegalArgumentException(
                    "--schema-registry-url holds credentials; give them with --schema-registry-user and"
                            + " --schema-registry-password-file so the process list never shows them");
        }
        String password = registryPasswordFile != null
                ? "${file:" + registryPasswordFile.toAbsolutePath() + "}"
                : System.getenv("QUANTWATCH_SCHEMA_REGISTRY_PASSWORD") != null
                        ? "${env:QUANTWATCH_SCHEMA_REGISTRY_PASSWORD}"
                        : "";
        return new io.quantwatch.registry.SchemaRegistrySettings(
                java.util.Arrays.stream(registryUrl.split(","))
                        .map(String::strip)
                        .toList(),
                registryUser,
                password,
                registryTruststore == null ? "" : registryTruststore.toString(),
                registryTruststorePasswordFile == null
                        ? ""
                        : "${file:" + registryTruststorePasswordFile.toAbsolutePath() + "}",
                "",
                "",
                null,
                null);
    }
}
