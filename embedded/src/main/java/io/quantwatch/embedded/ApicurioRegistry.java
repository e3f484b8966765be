package io.quantwatch.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apicurio Registry 3 (the Quarkus distribution Apicurio publishes on Maven Central) on loopback, for tests of
 * the Schema Registry framing: its Confluent-compatible API at {@link #url()}, optionally behind TLS and HTTP basic
 * auth, its schemas in an H2 file that outlives a restart (so an outage can be staged with {@link #stop()} and
 * {@link #start()}). Waited for on its own readiness endpoint ({@code /health/ready} on the management port).
 */
public final class ApicurioRegistry implements AutoCloseable {
    /** Where the Confluent-compatible API lives under the registry's root. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    /** TLS with this PKCS12 keystore, and basic auth for {@code user}; nulls: plain HTTP, no auth. */
    public record Security(Path keystore, String keystorePassword, String user, String password) {}

    private final Path home;
    private final Path dir;
    private final Security security;
    private final int port;
    private final int managementPort;
    private Process process;

    private ApicurioRegistry(Path home, Path dir, Security security) {
        this.home = home;
        this.dir = dir;
        this.security = security;
        this.port = freePort();
        this.managementPort = freePort();
    }

    /**
     * Starts the distribution unpacked at {@code home} (holding {@code quarkus-run.jar}), keeping its database and log
     * under {@code dir}.
     */
    public static ApicurioRegistry start(Path home, Path dir, Security security) {
        if (!Files.isRegularFile(home.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(home.toAbsolutePath() + " holds no quarkus-run.jar: unpack"
                    + " io.apicurio:apicurio-registry-app:tar.gz:all there (the jobs module's build does)");
        }
        ApicurioRegistry r = new ApicurioRegistry(home, dir, security);
        r.start();
        return r;
    }

    /** (Re)starts the process on the same ports and database, and waits until it is ready. */
    public void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of(
                java21().toString(),
                "-Xmx384m",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                "-Dapicurio.datasource.url=jdbc:h2:file:" + dir.toAbsolutePath().resolve("registry-db")
                        + ";DB_CLOSE_ON_EXIT=FALSE"));
        if (security != null) {
            cmd.addAll(List.of(
                    "-Dquarkus.http.port=" + freePort(),
                    "-Dquarkus.http.ssl-port=" + port,
                    "-Dquarkus.http.insecure-requests=disabled",
                    "-Dquarkus.http.ssl.certificate.key-store-file=" + security.keystore(),
                    "-Dquarkus.http.ssl.certificate.key-store-password=" + security.keystorePassword(),
                    "-Dquarkus.http.auth.basic=true",
                    "-Dquarkus.security.users.embedded.enabled=true",
                    "-Dquarkus.security.users.embedded.plain-text=true",
                    "-Dquarkus.security.users.embedded.users." + security.user() + "=" + security.password(),
                    "-Dquarkus.http.auth.permission.api.paths=/apis/*",
                    "-Dquarkus.http.auth.permission.api.policy=authenticated"));
        } else {
            cmd.add("-Dquarkus.http.port=" + port);
        }
        cmd.addAll(
                List.of("-jar", home.resolve("quarkus-run.jar").toAbsolutePath().toString()));
        Path log = dir.resolve("apicurio.log");
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Apicurio Registry from " + home, e);
        }
        Readiness.of("Apicurio Registry", process, log, Duration.ofMinutes(3))
                .await(Readiness.http200(URI.create("http://127.0.0.1:" + managementPort + "/health/ready")));
    }

    /** Stops the process (an outage); {@link #start()} brings it back with the same schemas and ids. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The Confluent-compatible API's base URL. */
    public String url() {
        return (security != null ? "https" : "http") + "://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * A Java of release 21 or later, which Apicurio Registry 3.3 needs: {@code QUANTWATCH_REGISTRY_JAVA} (a
     * {@code java} binary) or the newest JDK under /usr/lib/jvm (Temurin 25 lies there on the team's machines).
     */
    static Path java21() {
        String configured = System.getenv("QUANTWATCH_REGISTRY_JAVA");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        if (Runtime.version().feature() >= 21) {
            return Path.of(System.getProperty("java.home"), "bin", "java");
        }
        Optional<Path> found = Optional.empty();
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            found = jdks.filter(j -> release(j) >= 21)
                    .max(Comparator.comparingInt(ApicurioRegistry::release))
                    .map(j -> j.resolve("bin/java"));
        } catch (IOException e) {
            // no /usr/lib/jvm: the message below
        }
        return found.orElseThrow(() -> new IllegalStateException(
                "Apicurio Registry 3.3 needs Java 21 or later and none was found under /usr/lib/jvm: install one"
                        + " (Temurin 25) or set QUANTWATCH_REGISTRY_JAVA to its java binary"));
    }

    /** The feature release a JDK directory's {@code release} file names, or 0. */
    private static int release(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a JDK
        }
        return 0;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
