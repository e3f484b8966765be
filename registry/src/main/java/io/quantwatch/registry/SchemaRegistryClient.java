package io.quantwatch.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantwatch.security.SecretReference;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client of the Confluent-compatible Schema Registry REST API (Confluent, Apicurio's {@code ccompat}, Karapace,
 * Redpanda): writer schemas by id, ids by subject. Schemas by id never change, so they are cached for the client's
 * life and keep working through a registry outage; an unreachable registry is retried for
 * {@link SchemaRegistrySettings#outageWait()} before the caller is told, and while it stays down later calls try once.
 * Written by hand: Confluent's client is not published on Maven Central, and Apicurio's speaks its own API. Thread-safe.
 */
public final class SchemaRegistryClient {
    /** Schemas are small and ids few; the bound only keeps a producer inventing ids from growing the heap. */
    private static final int MAX_CACHED = 10_000;
    /** An unknown id is asked again only after this: a poison producer must not turn every record into a request. */
    private static final Duration NOT_FOUND_TTL = Duration.ofSeconds(60);
    /** Schema references followed at most this deep (a cycle or a hostile registry must end). */
    private static final int MAX_REFERENCE_DEPTH = 16;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistrySettings settings;
    private final HttpClient http;
    private final String authorization;
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    private final Map<Integer, Long> unknownUntil = new ConcurrentHashMap<>();
    private final Map<String, Integer> bySubject = new ConcurrentHashMap<>();
    /** When a wait for the registry last ran out (nanoTime), or 0 while it answers. */
    private volatile long downSince;

    private SchemaRegistryClient(SchemaRegistrySettings settings, HttpClient http, String authorization) {
        this.settings = settings;
        this.http = http;
        this.authorization = authorization;
    }

    /** A client for {@code settings}; secret references are resolved here. Refuses unreadable key or trust stores. */
    public static SchemaRegistryClient connect(SchemaRegistrySettings settings) {
        if (!settings.configured()) {
            throw new IllegalArgumentException("schema-registry.url is not set");
        }
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(settings.requestTimeout());
        if (!settings.truststore().isEmpty() || !settings.keystore().isEmpty()) {
            http.sslContext(sslContext(settings));
        }
        String authorization = null;
        if (!settings.basicAuthUser().isEmpty()) {
            String password = SecretReference.resolve(settings.basicAuthPassword());
            authorization = "Basic "
                    + Base64.getEncoder()
                            .encodeToString(
                                    (settings.basicAuthUser() + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        return new SchemaRegistryClient(settings, http.build(), authorization);
    }

    /** The writer schema registered under {@code id}, resolved with its references. */
    public Schema schemaById(int id) {
        Schema cached = byId.get(id);
        if (cached != null) {
            return cached;
        }
        Long until = unknownUntil.get(id);
        if (until != null && until - System.nanoTime() > 0) {
            throw new SchemaRegistryException(
                    SchemaRegistryException.Kind.NOT_FOUND,
                    describe() + " has no schema with id " + id + " (asked less than " + NOT_FOUND_TTL.toSeconds()
                            + " s ago)");
        }
        JsonNode answer;
        try {
            answer = withOutageWait("/schemas/ids/" + id, () -> call("GET", "/schemas/ids/" + id, null));
        } catch (SchemaRegistryException e) {
            if (e.kind() == SchemaRegistryException.Kind.NOT_FOUND) {
                unknownUntil.put(id, System.nanoTime() + NOT_FOUND_TTL.toNanos());
            }
            throw e;
        }
        Schema schema = parse("schema id " + id, answer, 0);
        if (byId.size() >= MAX_CACHED) {
            byId.clear();
        }
        byId.put(id, schema);
        return schema;
    }

    /** The id of {@code schema} under {@code subject}, registering it (a no-op when it is already there). */
    public int register(String subject, Schema schema) {
        return bySubject.computeIfAbsent(
                subject + "\n" + schema,
                k -> withOutageWait(
                                "/subjects/" + subject + "/versions",
                                () -> call("POST", "/subjects/" + encode(subject) + "/versions", body(schema)))
                        .path("id")
                        .asInt());
    }

    /** The id of {@code schema} under {@code subject}, which must already be registered. */
    public int lookup(String subject, Schema schema) {
        return bySubject.computeIfAbsent(subject + "\n" + schema, k -> {
            try {
                return withOutageWait(
                                "/subjects/" + subject,
                                () -> call("POST", "/subjects/" + encode(subject), body(schema)))
                        .path("id")
                        .asInt();
            } catch (SchemaRegistryException e) {
                if (e.kind() != SchemaRegistryException.Kind.NOT_FOUND) {
                    throw e;
                }
                throw new SchemaRegistryException(
                        SchemaRegistryException.Kind.NOT_FOUND,
                        "subject '" + subject + "' at " + describe() + " does not hold " + schema.getFullName()
                                + " as this monitor writes it: register it (or set schema-registry.auto-register: true)"
                                + " — " + e.getMessage(),
                        e);
            }
        });
    }

    /**
     * One authenticated request ({@code GET /subjects}), not retried: at start, a wrong password or an untrusted
     * certificate is named before any record is read.
     */
    public void checkAccess() {
        call("GET", "/subjects", null);
    }

    /** How errors name this registry: its first URL, without credentials. */
    public String describe() {
        return "the Schema Registry at " + settings.urls().get(0);
    }

    private Schema parse(String what, JsonNode answer, int depth) {
        String type = answer.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaRegistryException(
                    SchemaRegistryException.Kind.UNUSABLE,
                    what + " at " + describe() + " is a " + type + " schema; the monitor reads Avro records only");
        }
        Schema.Parser parser = new Schema.Parser();
        Deque<JsonNode> references = new ArrayDeque<>();
        answer.path("references").forEach(references::add);
        for (JsonNode ref : references) {
            if (depth >= MAX_REFERENCE_DEPTH) {
                throw new SchemaRegistryException(
                        SchemaRegistryException.Kind.UNUSABLE,
                        what + " references schemas more than " + MAX_REFERENCE_DEPTH + " levels deep");
            }
            String subject = ref.path("subject").asText();
            String version = ref.path("version").asText("latest");
            JsonNode referenced = withOutageWait(
                    "/subjects/" + subject + "/versions/" + version,
                    () -> call("GET", "/subjects/" + encode(subject) + "/versions/" + encode(version), null));
            // Named types of a reference must be known to the parser before the schema that uses them.
            parser.parse(parse("reference " + subject + "/" + version, referenced, depth + 1)
                    .toString());
        }
        try {
            return parser.parse(answer.path("schema").asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(
                    SchemaRegistryException.Kind.UNUSABLE,
                    what + " at " + describe() + " is not a usable Avro schema: " + e.getMessage(),
                    e);
        }
    }

    /** A registry request retried with backoff while the registry is unavailable, at most the outage wait. */
    private JsonNode withOutageWait(String what, java.util.function.Supplier<JsonNode> request) {
        long start = System.nanoTime();
        // Known to be down: one try, so a backlog of records is dead-lettered at the broker's pace, not one per wait.
        long deadline = downSince != 0 ? start : start + settings.outageWait().toNanos();
        long backoffMillis = 100;
        while (true) {
            try {
                JsonNode answer = request.get();
                downSince = 0;
                return answer;
            } catch (SchemaRegistryException e) {
                if (e.kind() != SchemaRegistryException.Kind.UNAVAILABLE) {
                    throw e;
                }
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    if (downSince == 0) {
                        downSince = now;
                    }
                    long waited =
                            Duration.ofNanos(now - Math.min(start, downSince)).toSeconds();
                    throw new SchemaRegistryException(
                            SchemaRegistryException.Kind.UNAVAILABLE,
                            describe() + " has not answered " + what + " for " + waited + " s ("
                                    + e.getMessage() + "); schema-registry.outage-wait is "
                                    + settings.outageWait().toSeconds() + " s",
                            e);
                }
                sleep(Math.min(backoffMillis, Duration.ofNanos(deadline - now).toMillis() + 1));
                backoffMillis = Math.min(backoffMillis * 2, 2_000);
            }
        }
    }

    /** One request, to each URL in turn until one answers. */
    private JsonNode call(String method, String path, String body) {
        String last = "";
        for (String base : settings.urls()) {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(stripSlash(base) + path))
                    .timeout(settings.requestTimeout())
                    .header("Accept", "application/vnd.schemaregistry.v1+json, application/json");
            if (authorization != null) {
                r.header("Authorization", authorization);
            }
            r.method(
                    method,
                    body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                r.header("Content-Type", "application/vnd.schemaregistry.v1+json");
            }
            HttpResponse<String> response;
            try {
                response = http.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (SSLHandshakeException e) {
                throw new SchemaRegistryException(
                        SchemaRegistryException.Kind.ACCESS_DENIED,
                        "TLS handshake with " + base + " failed (" + e.getMessage() + "): the registry's certificate is"
                                + " not trusted — set schema-registry.truststore to its CA — or it refused this"
                                + " client's certificate (schema-registry.keystore)",
                        e);
            } catch (IOException e) {
                last = base + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException(
                        SchemaRegistryException.Kind.UNAVAILABLE, "interrupted while asking " + base + path, e);
            }
            int status = response.statusCode();
            if (status == 200) {
                return readJson(response.body(), base + path);
            }
            String message = errorMessage(response.body());
            if (status == 401 || status == 403) {
                throw new SchemaRegistryException(
                        SchemaRegistryException.Kind.ACCESS_DENIED,
                        base + " refused " + method + " " + path + " with " + status + " (" + message + "): check"
                                + " schema-registry.basic-auth-user and basic-auth-password, and that the user may "
                                + (method.equals("GET") ? "read schemas" : "read and register subjects"));
            }
            if (status == 404) {
                throw new SchemaRegistryException(
                        SchemaRegistryException.Kind.NOT_FOUND, base + path + ": 404 " + message);
            }
            if (status >= 500 || status == 429) {
                last = base + path + ": " + status + " " + message;
                continue;
            }
            throw new SchemaRegistryException(
                    SchemaRegistryException.Kind.UNUSABLE,
                    base + " answered " + method + " " + path + " with " + status + ": " + message);
        }
        throw new SchemaRegistryException(SchemaRegistryException.Kind.UNAVAILABLE, last);
    }

    private static JsonNode readJson(String text, String where) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new SchemaRegistryException(
                    SchemaRegistryException.Kind.UNUSABLE, where + " answered something that is not JSON", e);
        }
    }

    /** The registry's own error message ({@code {"error_code": 40403, "message": …}}), or the body's start. */
    private static String errorMessage(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.has("message")) {
                return n.path("error_code").asText("?") + " " + n.get("message").asText();
            }
        } catch (IOException e) {
            // not JSON: the body's start below
        }
        return body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }

    private static String body(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(
                    SchemaRegistryException.Kind.UNAVAILABLE, "interrupted while waiting for the Schema Registry", e);
        }
    }

    private static SSLContext sslContext(SchemaRegistrySettings s) {
        try {
            TrustManagerFactory trust = null;
            if (!s.truststore().isEmpty()) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store(s.truststore(), s.truststorePassword(), "truststore"));
            }
            KeyManagerFactory keys = null;
            if (!s.keystore().isEmpty()) {
                char[] password = SecretReference.resolve(s.keystorePassword()).toCharArray();
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store(s.keystore(), s.keystorePassword(), "keystore"), password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("schema-registry TLS settings cannot be used: " + e.getMessage(), e);
        }
    }

    private static KeyStore store(String file, String password, String setting) {
        try {
            return KeyStore.getInstance(
                    new File(file), SecretReference.resolve(password).toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "schema-registry." + setting + ": cannot open " + file + " (" + e.getMessage()
                            + "): give a PKCS12 or JKS file and its " + setting + "-password",
                    e);
        }
    }
}
