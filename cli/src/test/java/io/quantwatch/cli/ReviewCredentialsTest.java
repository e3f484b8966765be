package io.quantwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantwatch.embedded.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code quantwatch review} takes the database password from a file (or the environment), never from the URL the
 * process list shows; when the database cannot be reached, nothing it prints holds the password.
 */
class ReviewCredentialsTest {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    /** Exit code and everything printed, picocli's writers and System.out/err alike. */
    private static String[] review(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream sys = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(sys, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(sys, true, StandardCharsets.UTF_8));
        try {
            CommandLine cli = QuantwatchCommand.commandLine();
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));
            int code = cli.execute(args);
            return new String[] {Integer.toString(code), out + err.toString() + sys.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aPasswordFromAFileIsUsedAndNeverPrinted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("db-password");
        Files.writeString(file, "pg-secret-from-file\n");
        String[] r = review(
                "review",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--db",
                "jdbc:postgresql://127.0.0.1:" + closedPort() + "/review",
                "--db-user",
                "review",
                "--db-password-file",
                file.toString(),
                "--port",
                "0");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("quantwatch: cannot connect to the review database jdbc:postgresql://127.0.0.1:");
        assertThat(r[1].contains("pg-secret-from-file"))
                .as("the password was printed")
                .isFalse();
    }

    @Test
    void aPasswordInTheUrlIsWarnedAboutAndMasked() throws Exception {
        String[] r = review(
                "review",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--db",
                "jdbc:postgresql://127.0.0.1:" + closedPort() + "/review?user=review&password=pg-secret-in-url",
                "--port",
                "0");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1])
                .contains("--db holds a password, visible in the process list")
                .contains("password=******");
        assertThat(r[1].contains("pg-secret-in-url"))
                .as("the password was printed")
                .isFalse();
    }
}
