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
    private final String password;

    private PostgresServer(Path dir, int port, String password) {
        this.dir = dir;
        this.port = port;
        this.password = password;
    }

    static PostgresServer start() throws Exception {
        return start(null);
    }

    /** With {@code password} set, the server asks for it (SCRAM-SHA-256) of the postgres user; else trusts loopback. */
    static PostgresServer start(String password) throws Exception {
        Path bin = binDir();
        Path dir = Files.createTempDirectory("quantwatch-pg");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()), false);
        }
        Path data = dir.resolve("data");
        Path pwfile = dir.resolve("pwfile");
        if (password != null) {
            Files.writeString(pwfile, password + "\n");
            if (root) {
                run(List.of("chown", "postgres:postgres", pwfile.toString()), false);
            }
        }
        List<String> initdb = new ArrayList<>(List.of(
                bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-E", "UTF8", "--locale=C"));
        initdb.addAll(
                password == null ? List.of("--auth=trust") : List.of("--auth=scram-sha-256", "--pwfile=" + pwfile));
        run(initdb, root);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        runServer(bin, dir, port, root);
        PostgresServer server = new PostgresServer(dir, port, password);
        try (Connection c = DriverManager.getConnection(server.url("postgres"), "postgres", password)) {
            c.createStatement().execute("CREATE DATABASE review");
        }
        return server;
    }

    /** Starts the stopped server again, on the same port and data. */
    void restart() throws Exception {
        runServer(binDir(), dir, port, "root".equals(System.getProperty("user.name")));
    }

    private static void runServer(Path bin, Path dir, int port, boolean root) throws Exception {
        run(
                List.of(
                        bin.resolve("pg_ctl").toString(),
                        "-D",
                        dir.resolve("data").toString(),
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
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    /** The URL without a user: credentials given apart, as {@code quantwatch review} passes them. */
    String bareUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
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
