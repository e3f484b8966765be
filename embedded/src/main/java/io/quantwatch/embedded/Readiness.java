package io.quantwatch.embedded;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Waits for a server a test or a command started until it reports ready on its own signal (an HTTP readiness endpoint,
 * {@code pg_isready}, a status API), never on a sleep or an open port: polled until ready, the process exits, or a
 * bounded timeout passes — the last two fail with the reason last seen and the tail of the process's log.
 */
public final class Readiness {
    private static final int LOG_TAIL_CHARS = 8_000;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One look at the readiness signal: empty when ready, else why not (yet). */
    @FunctionalInterface
    public interface Probe {
        Optional<String> notReadyBecause() throws Exception;
    }

    private final String what;
    private final Process process;
    private final Path log;
    private final Duration timeout;

    private Readiness(String what, Process process, Path log, Duration timeout) {
        this.what = what;
        this.process = process;
        this.log = log;
        this.timeout = timeout;
    }

    /** A wait for {@code what}: {@code process} (may be null: in this JVM) writing to {@code log} (may be null). */
    public static Readiness of(String what, Process process, Path log, Duration timeout) {
        return new Readiness(what, process, log, timeout);
    }

    /** Polls {@code probe} every 100 ms; returns once it says ready, throws {@link NotReadyException} otherwise. */
    public void await(Probe probe) {
        long end = System.nanoTime() + timeout.toNanos();
        String reason = "not probed yet";
        while (true) {
            try {
                Optional<String> notReady = probe.notReadyBecause();
                if (notReady.isEmpty()) {
                    return;
                }
                reason = notReady.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotReadyException(what + ": interrupted while waiting for it to be ready" + logTail());
            } catch (Exception e) {
                reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (process != null && !process.isAlive()) {
                throw new NotReadyException(what + " exited with code " + process.exitValue()
                        + " before it was ready (last seen: " + reason + ")" + logTail());
            }
            if (System.nanoTime() > end) {
                throw new NotReadyException(what + " was not ready within " + timeout.toSeconds() + " s (last seen: "
                        + reason + ")" + logTail());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotReadyException(what + ": interrupted while waiting for it to be ready" + logTail());
            }
        }
    }

    /**
     * A probe that is ready when {@code url} answers 200; any other status (a 503 while the server loads) or a refused
     * connection is "not yet".
     */
    public static Probe http200(URI url) {
        return () -> {
            try {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(url)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return Optional.empty();
                }
                String body = r.body();
                return Optional.of(url + " answered " + r.statusCode() + ": "
                        + body.substring(0, Math.min(200, body.length())).strip());
            } catch (IOException e) {
                return Optional.of(url + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()));
            }
        };
    }

    /** A probe that runs a command (such as {@code pg_isready}) and is ready when it exits 0. */
    public static Probe commandSucceeds(String... command) {
        return () -> {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of(String.join(" ", command) + " did not finish within 10 s");
            }
            return p.exitValue() == 0
                    ? Optional.empty()
                    : Optional.of(String.join(" ", command) + " exited " + p.exitValue() + ": " + out.strip());
        };
    }

    private String logTail() {
        if (log == null) {
            return "";
        }
        try {
            byte[] bytes = Files.readAllBytes(log);
            String text = new String(bytes, StandardCharsets.UTF_8);
            String tail = text.length() > LOG_TAIL_CHARS ? "…" + text.substring(text.length() - LOG_TAIL_CHARS) : text;
            return "\n--- " + log + " ---\n" + tail;
        } catch (IOException e) {
            return "\n(its log " + log + " could not be read: " + e.getMessage() + ")";
        }
    }

    /** The server did not become ready; the message carries the last reason and the log's tail. */
    public static final class NotReadyException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        NotReadyException(String message) {
            super(message);
        }
    }
}
