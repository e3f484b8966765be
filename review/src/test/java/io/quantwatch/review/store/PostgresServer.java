package io.quantwatch.review.store;

import io.quantwatch.embedded.Readiness;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests (Debian's {@code postgresql} package, which .ci/run installs): a fresh cluster in a
 * temporary directory, on a free loopback port, trust authentication, stopped on close. PostgreSQL refuses to run as
 * root, so as root it runs as the package's {@code postgres} user.
 */
final class PostgresServer implements AutoCloseable {
    private final Path dir;
    private final int port;

    private PostgresServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static PostgresServer start() throws Exception {
        Path bin = binDir();
        Path dir = Files.createTempDirectory("quantwatch-pg");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()), false);
        }
        Path data = dir.resolve("data");
        run(
                List.of(
                        bin.resolve("initdb").toString(),
                        "-D",
                        data.toString(),
                        "-U",
                        "postgres",
                        "--auth=trust",
                        "-E",
                        "UTF8",
                        "--locale=C"),
                root);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        run(
                List.of(
                        bin.resolve("pg_ctl").toString(),
                        "-D",
                        data.toString(),
                        "-l",
                        dir.resolve("log").toString(),
                        "-w",
                        "-o",
                        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1",
                        "start"),
                root);
        // pg_ctl -w returns once the postmaster says it started; pg_isready is the server's own answer on the TCP
        // listener the tests use.
        Readiness.of("PostgreSQL on 127.0.0.1:" + port, null, dir.resolve("log"), Duration.ofMinutes(1))
                .await(Readiness.commandSucceeds(
                        bin.resolve("pg_isready").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port)));
        PostgresServer server = new PostgresServer(dir, port);
        try (Connection c = DriverManager.getConnection(server.url("postgres"))) {
            c.createStatement().execute("CREATE DATABASE review");
        }
        return server;
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    @Override
    public void close() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        run(
                List.of(
                        binDir().resolve("pg_ctl").toString(),
                        "-D",
                        dir.resolve("data").toString(),
                        "-m",
                        "fast",
                        "-w",
                        "stop"),
                root);
    }

    /** Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/VERSION/bin. */
    private static Path binDir() throws IOException {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Path::compareTo)
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(
                    "PostgreSQL is not installed: it comes with Debian's postgresql package"
                            + " (apt-get install postgresql; .ci/run installs it when run as root)",
                    e);
        }
    }

    private static void run(List<String> command, boolean asPostgres) throws Exception {
        List<String> c = new ArrayList<>();
        if (asPostgres) {
            c.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        c.addAll(command);
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", c) + " failed:\n" + out);
        }
    }
}
