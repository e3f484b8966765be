package io.quantwatch.connectors.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.quantwatch.detectors.RandomShadowComparisons;
import io.quantwatch.detectors.alert.Verdict;
import io.quantwatch.detectors.window.DriftWindow;
import io.quantwatch.detectors.window.WindowKey;
import io.quantwatch.detectors.window.WindowReport;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The meters leave the JVM: scraped from the loopback Prometheus endpoint, and pushed over OTLP/HTTP when configured. */
class JvmMeterRegistryTest {

    @AfterEach
    void shutdown() {
        JvmMeterRegistry.shutdown();
    }

    private static WindowReport window() {
        DriftWindow w = new DriftWindow();
        Random r = new Random(1);
        for (int i = 0; i < 50; i++) {
            w.add(RandomShadowComparisons.next(r).metrics());
        }
        var s = w.summary();
        return new WindowReport(
                new WindowKey("m", "int4", "*", "*"), 0, 60_000, s, Verdict.of(s, Verdict.Policy.defaults()));
    }

    @Test
    void theLatestWindowIsScrapedFromTheLoopbackEndpoint() throws Exception {
        JvmMeterRegistry meters =
                JvmMeterRegistry.get(new MetricsSettings(true, "127.0.0.1", 0, null, Duration.ofSeconds(30)));
        var window = window();
        meters.driftMeters().record(window);
        assertThat(meters.scrapeUrl()).startsWith("http://127.0.0.1:");
        String body = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(meters.scrapeUrl())).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(body)
                .contains("quantwatch_window_identical_rate{candidate=\"int4\",model=\"m\",task=\"*\",tenant=\"*\"} "
                        + window.summary().identical().value());
        assertThat(body).contains("quantwatch_window_prompts{").contains("quantwatch_window_verdict{");
    }

    @Test
    void otlpPushReachesTheCollector() throws Exception {
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        CountDownLatch received = new CountDownLatch(1);
        AtomicReference<String> contentType = new AtomicReference<>();
        collector.createContext("/v1/metrics", exchange -> {
            contentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            received.countDown();
        });
        collector.start();
        try {
            String url = "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/metrics";
            JvmMeterRegistry meters =
                    JvmMeterRegistry.get(new MetricsSettings(false, "127.0.0.1", 0, url, Duration.ofSeconds(1)));
            meters.driftMeters().record(window());
            assertThat(received.await(10, TimeUnit.SECONDS))
                    .as("an OTLP export within 10 s")
                    .isTrue();
            assertThat(contentType.get()).isEqualTo("application/x-protobuf");
        } finally {
            collector.stop(0);
        }
    }
}
