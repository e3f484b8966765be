package io.quantwatch.review.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.quantwatch.review.ingest.ReviewIngestion;
import io.quantwatch.review.store.AlertChange;
import io.quantwatch.review.store.Band;
import io.quantwatch.review.store.DivergentExample;
import io.quantwatch.review.store.ReviewStore;
import io.quantwatch.review.store.WindowPoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The review API over HTTP: filters, the side-by-side shape, labels, exports, errors, the token and the headers. */
class ReviewServerTest {
    static final Instant W = Instant.parse("2026-11-28T10:05:00Z");
    static final String HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>";

    @TempDir
    Path dir;

    private ReviewStore store;
    private ReviewServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() {
        store = ReviewStore.open(ReviewStore.sqliteUrl(dir));
        store.add(new DivergentExample(
                "r1",
                "m",
                "int4",
                "tool_call",
                "acme",
                W,
                9,
                4,
                0.3,
                "TRAILING_COMMA",
                false,
                "{\"tool\":\"get_weather\"}",
                "{\"tool\":\"get_weather\",}"));
        store.add(new DivergentExample(
                "r2", "m", "nf4", "chat", "globex", W, 2, 7, 0.1, "NONE", false, "The answer is 42.", HOSTILE));
        Band b = new Band(0.8, 0.7, 0.9);
        store.add(
                new WindowPoint("m", "int4", "*", "*", W.minusSeconds(300), W, 50, b, b, 0.01, 0.02, b, b, b, "WATCH"));
        store.add(new AlertChange(
                "json-broken", "json-broken-rate", "FIRING", "m", "int4", "*", "*", W, 0.1, 0.05, 0.2, 0.02, 50));
        server = serve(null);
    }

    private ReviewServer serve(String token) {
        return new ReviewServer(
                        store,
                        () -> new ReviewIngestion.Progress(4, 0, 0, ""),
                        new ReviewServer.Settings("127.0.0.1", 0, token),
                        Clock.fixed(W.plusSeconds(60), ZoneOffset.UTC))
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
        store.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(server.url() + path.substring(1)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(server.url() + path.substring(1)))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    @Test
    void theQueueFiltersAndTheSampleComesWhole() throws Exception {
        JsonNode all = getJson("/api/samples");
        assertThat(all).hasSize(2);
        assertThat(all.get(0).path("request_id").asText()).as("worst first").isEqualTo("r1");
        JsonNode nf4 = getJson("/api/samples?candidate=nf4");
        assertThat(nf4).hasSize(1);
        assertThat(getJson("/api/samples?json=TRAILING_COMMA")
                        .get(0)
                        .path("candidate")
                        .asText())
                .isEqualTo("int4");
        assertThat(getJson("/api/samples?tenant=globex&task=chat")).hasSize(1);
        JsonNode one = getJson("/api/samples/" + nf4.get(0).path("id").asText());
        // Untrusted output travels as a JSON string, byte for byte; the page sets it as text.
        assertThat(one.path("candidate_text").asText()).isEqualTo(HOSTILE);
        assertThat(one.path("common_prefix_chars").asInt()).isZero();
        JsonNode int4 = getJson("/api/samples/" + all.get(0).path("id").asText());
        assertThat(int4.path("common_prefix_chars").asInt()).isEqualTo("{\"tool\":\"get_weather\"".length());
        assertThat(get("/api/samples/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void labelsAreStoredInBulkAndFilterTheQueue() throws Exception {
        JsonNode all = getJson("/api/samples");
        String a = all.get(0).path("id").asText();
        String b = all.get(1).path("id").asText();
        HttpResponse<String> r = post(
                "/api/labels",
                "{\"ids\": [\"" + a + "\", \"" + b + "\"], \"label\": \"regression\", \"reviewer\": \"ana\","
                        + " \"note\": \"tool call broken\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json.readTree(r.body()).path("labelled").asInt()).isEqualTo(2);
        assertThat(getJson("/api/samples?label=regression")).hasSize(2);
        assertThat(getJson("/api/samples?label=unlabelled")).isEmpty();
        JsonNode one = getJson("/api/samples/" + a);
        assertThat(one.path("label").asText()).isEqualTo("regression");
        assertThat(one.path("note").asText()).isEqualTo("tool call broken");
        JsonNode timeline = getJson("/api/timeline?model=m&from=" + W.minusSeconds(600) + "&to=" + W);
        assertThat(timeline.path("labels").path("int4").path("regression").asLong())
                .isEqualTo(1);
        assertThat(timeline.path("windows")
                        .get(0)
                        .path("identical")
                        .path("lower")
                        .asDouble())
                .isEqualTo(0.7);
        assertThat(timeline.path("alerts").get(0).path("state").asText()).isEqualTo("FIRING");

        HttpResponse<String> bad =
                post("/api/labels", "{\"ids\": [\"" + a + "\"], \"label\": \"great\", \"reviewer\": \"ana\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body())
                .contains("label 'great' is not one of [regression, acceptable, noise, needs-second-look]");
        assertThat(post("/api/labels", "{\"ids\": [\"" + a + "\"], \"label\": \"noise\"}")
                        .body())
                .contains("reviewer is required");
        assertThat(post("/api/labels", "not json").statusCode()).isEqualTo(400);
        assertThat(get("/api/samples?limit=0").body()).contains("limit must be 1 to 1000");
        assertThat(get("/api/samples?window=yesterday").body())
                .contains("window must be epoch milliseconds or ISO-8601");
    }

    @Test
    void exportsHoldTheLabelledSamplesOnly() throws Exception {
        String a = getJson("/api/samples?candidate=nf4").get(0).path("id").asText();
        post(
                "/api/labels",
                "{\"ids\": [\"" + a
                        + "\"], \"label\": \"acceptable\", \"reviewer\": \"bo\", \"note\": \"a, \\\"quoted\\\" note\\nwith a newline\"}");
        HttpResponse<String> jsonl = get("/api/export.jsonl");
        assertThat(jsonl.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        List<String> lines = jsonl.body().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(json.readTree(lines.get(0)).path("candidate_text").asText()).isEqualTo(HOSTILE);
        HttpResponse<String> csv = get("/api/export.csv");
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        List<Map<String, String>> rows = new CsvMapper()
                .readerFor(Map.class)
                .with(CsvSchema.emptySchema().withHeader())
                .<Map<String, String>>readValues(csv.body())
                .readAll();
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("label", "acceptable").containsEntry("candidate_text", HOSTILE);
        assertThat(rows.get(0).get("note")).isEqualTo("a, \"quoted\" note\nwith a newline");
    }

    @Test
    void everyResponseCarriesAStrictContentSecurityPolicy() throws Exception {
        for (String path : List.of("/", "/api/samples", "/api/samples/nope")) {
            HttpResponse<String> r = get(path);
            assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
                    .as(path)
                    .contains("script-src 'self'")
                    .contains("default-src 'none'")
                    .doesNotContain("unsafe-inline");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        }
        assertThat(server.url()).startsWith("http://127.0.0.1:");
    }

    @Test
    void withATokenTheApiNeedsIt() throws Exception {
        server.close();
        server = serve("s3cret");
        assertThat(get("/api/samples").statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "api/samples"))
                        .header("Authorization", "Bearer nope")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        HttpResponse<String> right = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "api/samples"))
                        .header("Authorization", "Bearer s3cret")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(get("/").statusCode()).as("the page itself holds no data").isEqualTo(200);
    }

    /** A raw HTTP/1.1 request, so the Host header is the test's to choose (Java's client does not let it be set). */
    private String raw(String request) throws Exception {
        URI u = URI.create(server.url());
        try (java.net.Socket socket = new java.net.Socket(u.getHost(), u.getPort())) {
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void aRequestUnderAnotherHostNameIsRefusedDnsRebinding() throws Exception {
        String rebound = raw("GET /api/samples HTTP/1.1\r\nHost: attacker.example:8090\r\nConnection: close\r\n\r\n");
        assertThat(rebound).startsWith("HTTP/1.1 403").contains("--allowed-host");
        String own = raw("GET /api/samples HTTP/1.1\r\nHost: localhost:1\r\nConnection: close\r\n\r\n");
        assertThat(own).startsWith("HTTP/1.1 200");
    }

    @Test
    void labelWritesMustBeJsonSoNoCrossSiteFormCanSendThem() throws Exception {
        String a = getJson("/api/samples").get(0).path("id").asText();
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data")) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(server.url() + "api/labels"))
                            .header("Content-Type", type)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"ids\": [\"" + a + "\"], \"label\": \"noise\", \"reviewer\": \"x\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(type).isEqualTo(415);
        }
        assertThat(getJson("/api/samples?label=noise")).isEmpty();
    }

    @Test
    void anAddressBeyondLoopbackNeedsAToken() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ReviewServer.Settings("0.0.0.0", 0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without a token")
                .hasMessageContaining("--token");
        assertThat(new ReviewServer.Settings("0.0.0.0", 0, "t0k3n").host()).isEqualTo("0.0.0.0");
    }

    @Test
    void everyLabelIsKeptWithItsReviewerAndTheExportsCarryTheHistory() throws Exception {
        String a = getJson("/api/samples?candidate=int4").get(0).path("id").asText();
        post("/api/labels", "{\"ids\": [\"" + a + "\"], \"label\": \"regression\", \"reviewer\": \"ana\"}");
        post(
                "/api/labels",
                "{\"ids\": [\"" + a + "\"], \"label\": \"acceptable\", \"reviewer\": \"=HYPERLINK(\\\"x\\\")\","
                        + " \"note\": \"@SUM(1)\"}");
        JsonNode one = getJson("/api/samples/" + a);
        assertThat(one.path("label").asText()).as("the latest is shown").isEqualTo("acceptable");
        assertThat(one.path("history")).hasSize(2);
        assertThat(one.path("history").get(0).path("label").asText()).isEqualTo("regression");
        assertThat(one.path("history").get(0).path("reviewer").asText()).isEqualTo("ana");

        JsonNode line = json.readTree(
                get("/api/export.jsonl").body().lines().findFirst().orElseThrow());
        assertThat(line.path("history")).hasSize(2);
        List<Map<String, String>> rows = new CsvMapper()
                .readerFor(Map.class)
                .with(CsvSchema.emptySchema().withHeader())
                .<Map<String, String>>readValues(get("/api/export.csv").body())
                .readAll();
        // Cells a spreadsheet would run as formulas are plain text.
        assertThat(rows.get(0).get("reviewer")).isEqualTo("'=HYPERLINK(\"x\")");
        assertThat(rows.get(0).get("note")).isEqualTo("'@SUM(1)");
        assertThat(rows.get(0).get("history"))
                .startsWith("regression by ana at ")
                .contains(" | acceptable by =HYPERLINK");
    }
}
