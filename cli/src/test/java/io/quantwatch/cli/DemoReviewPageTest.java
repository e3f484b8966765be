package io.quantwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code quantwatch demo} starts the review page beside the monitor, prints its address, and the page answers. */
class DemoReviewPageTest {
    @Test
    void theDemoServesTheReviewPage() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        Thread demo = new Thread(() -> new CommandLine(new QuantwatchCommand())
                .execute(
                        "demo",
                        "--duration",
                        "30s",
                        "--refresh",
                        "10s",
                        "--set",
                        "reference.model="
                                + java.nio.file.Path.of(System.getProperty("quantwatch.root", ".."))
                                        .resolve("models/quantwatch-demo-f16.gguf")));
        try {
            demo.start();
            Pattern url = Pattern.compile("review page (http://127\\.0\\.0\\.1:\\d+/)");
            long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            Matcher m = url.matcher("");
            boolean found = false;
            while (System.nanoTime() < end && !found) {
                m = url.matcher(captured.toString(StandardCharsets.UTF_8));
                found = m.find();
                if (!found) {
                    Thread.sleep(200);
                }
            }
            assertThat(found)
                    .as("the demo printed the review page's address: %s", captured)
                    .isTrue();
            String page = m.group(1);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> index =
                    http.send(HttpRequest.newBuilder(URI.create(page)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.body()).contains("QuantWatch review");
            HttpResponse<String> status = http.send(
                    HttpRequest.newBuilder(URI.create(page + "api/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(status.body()).contains("\"malformed\":0");
        } finally {
            demo.join(Duration.ofMinutes(2).toMillis());
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("quantwatch demo: stopped.");
    }
}
