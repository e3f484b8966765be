package io.quantwatch.detectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Request schemas are untrusted input: they reach nothing, cost little, and a bad one is refused with the reason. */
class UntrustedJsonSchemaTest {
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private String base;

    @BeforeEach
    void recordingServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "{\"type\": \"object\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void referencesOutsideTheSchemaAreRefusedAndNothingIsFetched() {
        for (String schema : new String[] {
            "{\"$ref\": \"" + base + "/evil-schema.json\"}",
            "{\"properties\": {\"a\": {\"$ref\": \"" + base + "/a.json#/x\"}}}",
            "{\"$schema\": \"" + base + "/meta\", \"type\": \"object\"}",
            "{\"$ref\": \"file:///etc/passwd\"}",
            "{\"$id\": \"" + base + "/root.json\", \"$ref\": \"other.json\"}",
            "{\"$dynamicRef\": \"" + base + "/d.json\"}"
        }) {
            assertThatThrownBy(() -> UntrustedJsonSchema.compile(schema))
                    .as(schema)
                    .isInstanceOf(InvalidJsonSchemaException.class)
                    .hasMessageContaining(schema.contains("$schema") ? "not supported" : "only internal");
            assertThatThrownBy(() -> new JsonFailureClassifier(schema)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(requests).hasValue(0);
    }

    @Test
    void internalReferencesAndTheStandardMetaSchemaWork() throws Exception {
        JsonFailureClassifier c = new JsonFailureClassifier("""
                {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": {"id": {"type": "string", "pattern": "^PKG[0-9]+$"}},
                 "type": "object", "required": ["tracking_number"], "properties": {"tracking_number": {"$ref": "#/$defs/id"}}}""");
        assertThat(c.classify("{\"tracking_number\": \"PKG123\"}", false).failure())
                .isEqualTo(JsonFailure.NONE);
        assertThat(c.classify("{\"tracking_number\": \"PKGxyz\"}", false).failure())
                .isEqualTo(JsonFailure.SCHEMA_MISMATCH);
        assertThat(requests).hasValue(0);
    }

    @Test
    void badSchemasAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> UntrustedJsonSchema.compile("{\"type\": \"string\", \"pattern\": \"([a-\"}"))
                .hasMessageContaining("pattern \"([a-\" is not a valid regular expression");
        assertThatThrownBy(() -> UntrustedJsonSchema.compile("{\"patternProperties\": {\"(\": {}}}"))
                .hasMessageContaining("is not a valid regular expression");
        assertThatThrownBy(() -> UntrustedJsonSchema.compile("{\"type\": \"nonsense\"}"))
                .hasMessageContaining("not a valid JSON Schema");
        String deep = "{\"properties\": {\"a\": ".repeat(5_000) + "{}" + "}}".repeat(5_000) + "}";
        assertThatThrownBy(() -> UntrustedJsonSchema.compile(deep)).hasMessageContaining("characters");
        String deepButSmall = "{\"not\": ".repeat(2_000) + "{}" + "}".repeat(2_000);
        assertThatThrownBy(() -> UntrustedJsonSchema.compile(deepButSmall)).hasMessageContaining("deeper than");
        assertThatThrownBy(() -> UntrustedJsonSchema.compile("[1, 2]")).hasMessageContaining("must be a JSON object");
    }

    @Test
    void aBacktrackingPatternCostsABoundedTimeAndCountsAsAMismatch() {
        JsonFailureClassifier c = new JsonFailureClassifier(
                "{\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"string\", \"pattern\": \"^(a|aa)+$\"}}}");
        long t0 = System.nanoTime();
        // Unbudgeted, java.util.regex needs about fib(60) ≈ 10^12 steps for this value.
        JsonVerdict v = c.classify("{\"id\": \"" + "a".repeat(60) + "b\"}", false);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(v.failure()).isEqualTo(JsonFailure.SCHEMA_MISMATCH);
    }
}
