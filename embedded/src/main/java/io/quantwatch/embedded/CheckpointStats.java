package io.quantwatch.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * A running job's checkpoint statistics as Flink's REST API reports them ({@code /jobs/:id/checkpoints}):
 * what the overload benchmark and tests read. Flink drops them once the job has finished, so read while it runs.
 */
public record CheckpointStats(
        long completed, long failed, long inProgress, long p50Millis, long maxMillis, String lastFailure) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The newest failed checkpoint's message, from the history (the {@code latest.failed} entry often has none). */
    private static String failure(JsonNode n) {
        for (JsonNode h : n.path("history")) {
            if (h.path("status").asText().equals("FAILED")) {
                return "checkpoint " + h.path("id").asText() + ": "
                        + h.path("failure_message").asText("(no message)");
            }
        }
        return n.path("latest").path("failed").path("failure_message").asText("");
    }

    /** The statistics of {@code jobId} at {@code restUrl}, or empty while the job is unknown there (finished, not yet started). */
    public static Optional<CheckpointStats> read(String restUrl, String jobId) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(restUrl + "/jobs/" + jobId + "/checkpoints"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            JsonNode n = JSON.readTree(r.body());
            JsonNode counts = n.path("counts");
            JsonNode duration = n.path("summary").path("end_to_end_duration");
            return Optional.of(new CheckpointStats(
                    counts.path("completed").asLong(),
                    counts.path("failed").asLong(),
                    counts.path("in_progress").asLong(),
                    duration.path("p50").asLong(),
                    duration.path("max").asLong(),
                    failure(n)));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
