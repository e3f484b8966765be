package io.quantwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that listens before it is ready is waited for; one that dies or never gets ready fails with its log. */
class ReadinessTest {
    @Test
    void aServerAnswering503IsNotReadyUntilItAnswers200() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/-/ready", x -> {
            int status = asked.incrementAndGet() < 4 ? 503 : 200;
            byte[] body = (status == 200 ? "ready" : "Service Unavailable").getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
        try {
            URI ready = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/-/ready");
            Readiness.of("server", null, null, Duration.ofSeconds(20)).await(Readiness.http200(ready));
            assertThat(asked).hasValue(4);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aTimeoutNamesTheLastAnswerAndShowsTheLog(@TempDir Path dir) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/-/ready", x -> {
            x.sendResponseHeaders(503, -1);
            x.close();
        });
        server.start();
        Path log = dir.resolve("server.log");
        Files.writeString(log, "opening the TSDB\n");
        try {
            URI ready = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/-/ready");
            assertThatThrownBy(() -> Readiness.of("server", null, log, Duration.ofMillis(500))
                            .await(Readiness.http200(ready)))
                    .isInstanceOf(Readiness.NotReadyException.class)
                    .hasMessageContaining("server was not ready within 0 s")
                    .hasMessageContaining("answered 503")
                    .hasMessageContaining("opening the TSDB");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aProcessThatExitsFailsAtOnceWithItsExitCodeAndLog(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("p.log");
        Process p = new ProcessBuilder("bash", "-c", "echo 'FATAL: port in use'; exit 3")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long start = System.nanoTime();
        assertThatThrownBy(() ->
                        Readiness.of("db", p, log, Duration.ofMinutes(5)).await(Readiness.commandSucceeds("false")))
                .hasMessageContaining("db exited with code 3 before it was ready")
                .hasMessageContaining("FATAL: port in use");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void aCommandProbeIsReadyWhenTheCommandSucceeds() {
        Readiness.of("true", null, null, Duration.ofSeconds(10)).await(Readiness.commandSucceeds("true"));
    }
}
