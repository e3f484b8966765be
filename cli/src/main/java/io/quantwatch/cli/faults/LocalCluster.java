package io.quantwatch.cli.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The multi-process cluster of {@code deploy/local} driven from Java through its own scripts (so the bench and its
 * test exercise exactly what an operator runs), on free loopback ports, plus the few REST reads the bench needs.
 */
public final class LocalCluster implements AutoCloseable {
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path scripts;
    private final Path run;
    private final Map<String, String> env;
    private final int kafkaPort;
    private final int restPort;
    /** Stops the processes if this JVM exits without {@link #close()} (Ctrl-C during a bench). */
    private final int[] flinkMetricsPorts;

    private final Thread stopOnExit = new Thread(this::stopQuietly, "stop-local-cluster");

    /** A completed checkpoint as the REST API lists it. */
    public record Checkpoint(long id, long triggerMillis, long ackMillis, long durationMillis) {}

    public LocalCluster(Path scripts, Path run) {
        this.scripts = scripts.toAbsolutePath();
        this.run = run.toAbsolutePath();
        this.kafkaPort = freePort();
        this.restPort = freePort();
        this.flinkMetricsPorts = new int[] {freePort(), freePort(), freePort(), freePort()};
        this.env = Map.of(
                "QW_LOCAL_RUN", this.run.toString(),
                "QW_KAFKA_PORT", String.valueOf(kafkaPort),
                "QW_KAFKA_CONTROLLER_PORT", String.valueOf(freePort()),
                "QW_REST_PORT", String.valueOf(restPort),
                "QW_RPC_PORT", String.valueOf(freePort()),
                "QW_FLINK_PROM_PORTS",
                        Arrays.stream(flinkMetricsPorts)
                                .mapToObj(String::valueOf)
                                .collect(Collectors.joining(",")));
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    /**
     * The ports Flink's Prometheus reporter may take (conf/config.yaml's {@code metrics.reporter.prom.port}): the
     * JobManager and each TaskManager take the next free one.
     */
    public int[] flinkMetricsPorts() {
        return flinkMetricsPorts.clone();
    }

    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    public Path runDir() {
        return run;
    }

    /** Kafka, the JobManager, {@code taskManagers} TaskManagers and the job's topics. */
    public void start(int taskManagers) {
        script("start-cluster.sh", String.valueOf(taskManagers));
        script("create-topics.sh");
    }

    /** Submits the job jar detached ({@code flink run -d}); returns its job id. */
    public String submit(List<String> flinkArgs, List<String> jobArgs) {
        List<String> args = new ArrayList<>(flinkArgs);
        args.add("--");
        args.addAll(jobArgs);
        String out = script("submit.sh", args.toArray(String[]::new));
        Matcher m = JOB_ID.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("flink run printed no job id:\n" + out);
        }
        return m.group(1);
    }

    /** {@code flink stop --savepointPath DIR JOB}: the savepoint's path. */
    public String stopWithSavepoint(String jobId) {
        String out = script(
                "flink.sh",
                "stop",
                "--type",
                "canonical",
                "--savepointPath",
                run.resolve("savepoints").toUri().toString(),
                jobId);
        Matcher m = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("flink stop printed no savepoint path:\n" + out);
        }
        return m.group(1);
    }

    public void killTaskManager(int k) {
        script("kill-taskmanager.sh", String.valueOf(k));
    }

    public void startTaskManager(int k) {
        script("start-taskmanager.sh", String.valueOf(k));
    }

    /** The job's state ({@code RUNNING}, {@code RESTARTING}, …), with {@code RUNNING} only once every task runs. */
    public Optional<String> jobState(String jobId) {
        return get("/jobs/" + jobId).map(n -> {
            String state = n.path("state").asText();
            int tasks = 0;
            for (JsonNode v : n.path("status-counts")) {
                tasks += v.asInt();
            }
            boolean allRunning =
                    tasks > 0 && n.path("status-counts").path("RUNNING").asInt() == tasks;
            return state.equals("RUNNING") && !allRunning ? "DEPLOYING" : state;
        });
    }

    /** {@code flink cancel JOB}. */
    public void cancel(String jobId) {
        script("flink.sh", "cancel", jobId);
    }

    /** One of the job's own metrics ({@code numRestarts}, …) as the REST API reports it, if present. */
    public Optional<String> jobMetric(String jobId, String name) {
        return get("/jobs/" + jobId + "/metrics?get=" + name).flatMap(n -> {
            for (JsonNode m : n) {
                if (m.path("id").asText().equals(name)) {
                    return Optional.of(m.path("value").asText());
                }
            }
            return Optional.empty();
        });
    }

    /** The first TaskManager's JVM metrics ({@code Status.JVM.Threads.Count}, …) by name, as numbers. */
    public Map<String, Double> taskManagerMetrics(String... names) {
        String id = get("/taskmanagers")
                .map(n -> n.path("taskmanagers").path(0).path("id").asText())
                .orElseThrow(() -> new IllegalStateException("no TaskManager registered at " + restUrl()));
        Map<String, Double> out = new java.util.TreeMap<>();
        get("/taskmanagers/" + id + "/metrics?get=" + String.join(",", names))
                .ifPresent(n -> n.forEach(
                        m -> out.put(m.path("id").asText(), m.path("value").asDouble())));
        return out;
    }

    /** The pid of a process the scripts started ({@code taskmanager-1}, {@code jobmanager}, {@code kafka}). */
    public long pid(String process) {
        try {
            return Long.parseLong(Files.readString(run.resolve("pids").resolve(process + ".pid"))
                    .strip());
        } catch (IOException e) {
            throw new UncheckedIOException("no pid file for " + process + " under " + run, e);
        }
    }

    /** The newest completed checkpoint, if any. */
    public Optional<Checkpoint> latestCompleted(String jobId) {
        return get("/jobs/" + jobId + "/checkpoints").flatMap(n -> {
            JsonNode c = n.path("latest").path("completed");
            if (c.isMissingNode() || c.isNull()) {
                return Optional.empty();
            }
            return Optional.of(new Checkpoint(
                    c.path("id").asLong(),
                    c.path("trigger_timestamp").asLong(),
                    c.path("latest_ack_timestamp").asLong(),
                    c.path("end_to_end_duration").asLong()));
        });
    }

    private Optional<JsonNode> get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(restUrl() + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Runs one of the deploy/local scripts; its output, or an exception with it when it fails. */
    public String script(String name, String... args) {
        List<String> command =
                new ArrayList<>(List.of("bash", scripts.resolve(name).toString()));
        command.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("qw-script", ".out");
            ProcessBuilder pb =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(name + " did not finish within 5 minutes");
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        name + " " + String.join(" ", args) + " exited with " + p.exitValue() + ":\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name, e);
        }
    }

    /** Stops every process the scripts started for this run directory. */
    @Override
    public void close() {
        Runtime.getRuntime().removeShutdownHook(stopOnExit);
        script("stop-cluster.sh");
    }

    private void stopQuietly() {
        try {
            script("stop-cluster.sh");
        } catch (RuntimeException e) {
            System.err.println("could not stop the local cluster in " + run + ": " + e.getMessage());
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
