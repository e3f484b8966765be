package io.quantwatch.review.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.http.staticfiles.Location;
import io.quantwatch.review.ingest.ReviewIngestion;
import io.quantwatch.review.store.Label;
import io.quantwatch.review.store.Review;
import io.quantwatch.review.store.ReviewStore;
import io.quantwatch.review.store.SampleFilter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The review page's web server: the static page (no inline script or style, so the Content-Security-Policy can forbid
 * them) and the JSON API it calls. Model outputs are untrusted text: they only ever travel as JSON strings and the
 * page sets them as text, never as markup. Binds 127.0.0.1 unless told otherwise, and another address only with a token,
 * which every API call must then carry ({@code Authorization: Bearer …}); requests under a name the page does not
 * answer to (DNS rebinding) are refused, and writes are JSON only (no cross-site form can send them); reviewer names
 * are recorded, not trusted.
 */
public final class ReviewServer implements AutoCloseable {
    /** The page may load its own scripts, styles and images and talk to its own origin, nothing else. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final int MAX_LIMIT = 1000;

    /**
     * Where to listen, who may call the API, and by which names the page may be reached ({@code Host} header: the
     * loopback names and {@code host} always, {@code allowedHosts} besides — a DNS-rebinding page elsewhere cannot
     * make a browser talk to it under its own name).
     */
    public record Settings(String host, int port, String token, List<String> allowedHosts) {
        public Settings {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("review.host is empty: 127.0.0.1 keeps the page on this machine");
            }
            if (!isLoopback(host) && (token == null || token.isBlank())) {
                throw new IllegalArgumentException("listening on " + host + " without a token would let anyone who"
                        + " reaches it read samples and label them: set --token (or QUANTWATCH_REVIEW_TOKEN), or keep"
                        + " --host 127.0.0.1");
            }
            allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        }

        /** On loopback, with no other name. */
        public Settings(String host, int port, String token) {
            this(host, port, token, List.of());
        }

        boolean allows(String hostHeader) {
            String name = hostName(hostHeader);
            return isLoopback(name)
                    || name.equalsIgnoreCase(host)
                    || allowedHosts.stream().anyMatch(name::equalsIgnoreCase);
        }

        static boolean isLoopback(String name) {
            return name.equals("127.0.0.1")
                    || name.equalsIgnoreCase("localhost")
                    || name.equals("::1")
                    || name.equals("[::1]");
        }

        /** {@code Host: name:port} without the port ({@code [::1]:8090} keeps its brackets). */
        static String hostName(String hostHeader) {
            if (hostHeader == null) {
                return "";
            }
            String h = hostHeader.strip();
            int colon = h.lastIndexOf(':');
            return colon > h.lastIndexOf(']') && colon > 0 && h.indexOf(':') == colon ? h.substring(0, colon) : h;
        }
    }

    private final ReviewStore store;
    private final Supplier<ReviewIngestion.Progress> ingestion;
    private final Settings settings;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final Javalin app;

    public ReviewServer(
            ReviewStore store, Supplier<ReviewIngestion.Progress> ingestion, Settings settings, Clock clock) {
        this.store = store;
        this.ingestion = ingestion;
        this.settings = settings;
        this.clock = clock;
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.staticFiles.add(s -> {
                s.hostedPath = "/";
                s.directory = "/review-page";
                s.location = Location.CLASSPATH;
            });
            config.staticFiles.enableWebjars();
        });
        app.before(this::secure);
        app.get("/api/status", ctx -> ctx.json(ingestion.get()));
        app.get("/api/candidates", ctx -> ctx.json(candidates()));
        app.get("/api/timeline", this::timeline);
        app.get(
                "/api/samples",
                ctx -> ctx.json(store.queue(filter(ctx), limit(ctx)).stream()
                        .map(SampleJson::summary)
                        .toList()));
        app.get("/api/samples/{id}", ctx -> {
            String id = ctx.pathParam("id");
            Map<String, Object> full = new LinkedHashMap<>(SampleJson.full(
                    store.sample(id).orElseThrow(() -> new NotFoundResponse("no sample with id '" + id + "'"))));
            full.put("history", SampleJson.history(store.history(id)));
            ctx.json(full);
        });
        app.post("/api/labels", this::label);
        app.get("/api/export.jsonl", ctx -> LabelledExport.jsonl(store, filter(ctx), ctx));
        app.get("/api/export.csv", ctx -> LabelledExport.csv(store, filter(ctx), ctx));
        app.exception(IllegalArgumentException.class, (e, ctx) -> {
            ctx.status(400);
            ctx.json(Map.of("error", e.getMessage()));
        });
    }

    public ReviewServer start() {
        app.start(settings.host(), settings.port());
        return this;
    }

    /** The page's address, e.g. {@code http://127.0.0.1:8090/}. */
    public String url() {
        return "http://" + settings.host() + ":" + app.port() + "/";
    }

    /** Security headers on every response; the bearer token on every API call when one is set. */
    private void secure(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        if (!settings.allows(ctx.header("Host"))) {
            throw new ForbiddenResponse("this page is not served under the name '" + ctx.header("Host")
                    + "': reach it by an address it listens on, or start it with --allowed-host NAME");
        }
        if (ctx.method() == HandlerType.POST) {
            // Cross-site forms can only send form or text bodies: a JSON-only write cannot be forged by one.
            String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(java.util.Locale.ROOT);
            if (!type.equals("application/json") && !type.startsWith("application/json;")) {
                throw new HttpResponseException(
                        415, "send the body as Content-Type: application/json, got '" + ctx.contentType() + "'");
            }
        }
        if (settings.token() != null
                && !settings.token().isEmpty()
                && ctx.path().startsWith("/api/")) {
            String given = ctx.header("Authorization");
            byte[] expected = ("Bearer " + settings.token()).getBytes(StandardCharsets.UTF_8);
            if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
                throw new UnauthorizedResponse("this page needs its token: Authorization: Bearer <review.token>");
            }
        }
    }

    private List<Map<String, String>> candidates() {
        List<Map<String, String>> out = new ArrayList<>();
        for (List<String> mc : store.candidates()) {
            out.add(Map.of("model", mc.get(0), "candidate", mc.get(1)));
        }
        return out;
    }

    private void timeline(Context ctx) {
        Instant to = instant(ctx, "to", clock.instant());
        Instant from = instant(ctx, "from", to.minus(Duration.ofHours(24)));
        String model = ctx.queryParam("model");
        String candidate = ctx.queryParam("candidate");
        String task = orDefault(ctx.queryParam("task"), "*");
        String tenant = orDefault(ctx.queryParam("tenant"), "*");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", from.toEpochMilli());
        out.put("to", to.toEpochMilli());
        out.put(
                "windows",
                store.timeline(model, candidate, task, tenant, from, to).stream()
                        .map(SampleJson::window)
                        .toList());
        out.put(
                "alerts",
                store.alerts(model, candidate, from, to).stream()
                        .map(SampleJson::alert)
                        .toList());
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        store.labelCounts(from, to).forEach((c, byLabel) -> {
            Map<String, Long> m = new LinkedHashMap<>();
            byLabel.forEach((l, n) -> m.put(l.wire(), n));
            counts.put(c, m);
        });
        out.put("labels", counts);
        ctx.json(out);
    }

    private void label(Context ctx) throws Exception {
        JsonNode body;
        try {
            body = json.readTree(ctx.body());
        } catch (Exception e) {
            throw new BadRequestResponse(
                    "the body is not JSON: {\"ids\": [...], \"label\": ..., \"reviewer\": ..., \"note\": ...}");
        }
        if (body == null || !body.path("ids").isArray() || body.path("ids").isEmpty()) {
            throw new IllegalArgumentException("ids: give the sample ids to label, e.g. {\"ids\": [\"…\"], …}");
        }
        List<String> ids = new ArrayList<>();
        body.path("ids").forEach(n -> ids.add(n.asText()));
        Label label = Label.ofWire(body.path("label").asText());
        int n = store.label(
                ids,
                new Review(
                        label,
                        body.path("reviewer").asText(""),
                        body.path("note").asText(""),
                        clock.instant()));
        ctx.json(Map.of("labelled", n));
    }

    private static SampleFilter filter(Context ctx) {
        return new SampleFilter(
                ctx.queryParam("model"),
                ctx.queryParam("candidate"),
                ctx.queryParam("task"),
                ctx.queryParam("tenant"),
                ctx.queryParam("json"),
                instant(ctx, "window", null),
                ctx.queryParam("label"),
                instant(ctx, "from", null),
                instant(ctx, "to", null));
    }

    private static int limit(Context ctx) {
        String l = ctx.queryParam("limit");
        if (l == null) {
            return 200;
        }
        try {
            int n = Integer.parseInt(l);
            if (n < 1 || n > MAX_LIMIT) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got '" + l + "'");
        }
    }

    /** An instant given as epoch milliseconds or ISO-8601. */
    private static Instant instant(Context ctx, String name, Instant absent) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return absent;
        }
        try {
            return v.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(v)) : Instant.parse(v);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be epoch milliseconds or ISO-8601 (2026-11-28T10:00:00Z), got '" + v + "'");
        }
    }

    private static String orDefault(String v, String d) {
        return v == null || v.isEmpty() ? d : v;
    }

    @Override
    public void close() {
        app.stop();
    }
}
