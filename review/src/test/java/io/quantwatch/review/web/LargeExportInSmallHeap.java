package io.quantwatch.review.web;

import io.quantwatch.review.ingest.ReviewIngestion;
import io.quantwatch.review.store.ReviewStore;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * Run in its own JVM by {@link LargeExportTest} with a small heap: fills a SQLite review store with labelled samples
 * of {@code CHARS} characters each side, exports them all over HTTP while asking the page for other things, and prints
 * what it saw as one summary line; exits non-zero when the export is incomplete or a page did not answer.
 */
public final class LargeExportInSmallHeap {
    private LargeExportInSmallHeap() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int samples = Integer.parseInt(args[1]);
        int chars = Integer.parseInt(args[2]);
        String url = ReviewStore.sqliteUrl(dir);
        ReviewStore.open(url).close(); // creates and migrates the schema
        String text = "x".repeat(chars);
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            try (PreparedStatement s =
                            c.prepareStatement("INSERT INTO samples VALUES (?, ?, 'm', 'int4', 'chat', 'acme',"
                                    + " 1796630700000, ?, 3, 0.1, 'NONE', TRUE, ?, ?)");
                    PreparedStatement l = c.prepareStatement(
                            "INSERT INTO labels VALUES (?, 'regression', 'ana', '', 1796630800000)");
                    PreparedStatement h = c.prepareStatement(
                            "INSERT INTO label_history VALUES (?, 'regression', 'ana', '', 1796630800000, 0)")) {
                for (int i = 0; i < samples; i++) {
                    String id = "s" + i;
                    s.setString(1, id);
                    s.setString(2, "req-" + i);
                    s.setDouble(3, i % 1000);
                    s.setString(4, text);
                    s.setString(5, text);
                    s.executeUpdate();
                    l.setString(1, id);
                    l.executeUpdate();
                    h.setString(1, id);
                    h.executeUpdate();
                }
            }
            c.commit();
        }
        try (ReviewStore store = ReviewStore.open(url);
                ReviewServer server = new ReviewServer(
                                store,
                                () -> new ReviewIngestion.Progress(samples, 0, 0, ""),
                                new ReviewServer.Settings("127.0.0.1", 0, null),
                                Clock.systemUTC())
                        .start()) {
            HttpClient http = HttpClient.newHttpClient();
            long start = System.nanoTime();
            CompletableFuture<long[]> export = CompletableFuture.supplyAsync(() -> {
                try {
                    InputStream in = http.send(
                                    HttpRequest.newBuilder(URI.create(server.url() + "api/export.jsonl"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofInputStream())
                            .body();
                    byte[] buf = new byte[1 << 16];
                    long bytes = 0;
                    long lines = 0;
                    for (int n; (n = in.read(buf)) > 0; ) {
                        bytes += n;
                        for (int i = 0; i < n; i++) {
                            lines += buf[i] == '\n' ? 1 : 0;
                        }
                    }
                    return new long[] {bytes, lines};
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int pages = 0;
            int failed = 0;
            long slowestMillis = 0;
            while (!export.isDone()) {
                for (String path : new String[] {"api/status", "api/samples/s" + pages % samples, "api/candidates"}) {
                    long t = System.nanoTime();
                    int status = http.send(
                                    HttpRequest.newBuilder(URI.create(server.url() + path))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    slowestMillis = Math.max(slowestMillis, (System.nanoTime() - t) / 1_000_000);
                    failed += status == 200 ? 0 : 1;
                    pages++;
                }
            }
            long[] got = export.get();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "large export: samples=%d chars_per_text=%d heap_max_mb=%d exported_lines=%d exported_mb=%d"
                            + " seconds=%.1f page_requests=%d page_failures=%d page_ms_max=%d%n",
                    samples,
                    chars,
                    Runtime.getRuntime().maxMemory() >> 20,
                    got[1],
                    got[0] >> 20,
                    seconds,
                    pages,
                    failed,
                    slowestMillis);
            System.exit(got[1] == samples && failed == 0 && pages > 0 ? 0 : 1);
        }
    }
}
