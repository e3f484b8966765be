package io.quantwatch.embedded;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads a running job's checkpoint statistics every second until stopped (Flink forgets them once the job
 * ends). Checkpoints that fail to trigger before the first one completes — tasks still being deployed —
 * are told apart from failures once the job runs.
 */
public final class CheckpointWatch implements AutoCloseable {
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "checkpoint-watch");
        t.setDaemon(true);
        return t;
    });
    private volatile CheckpointStats latest;
    private volatile CheckpointStats atFirstCompletion;

    public CheckpointWatch(String restUrl, String jobId) {
        poller.scheduleAtFixedRate(
                () -> CheckpointStats.read(restUrl, jobId).ifPresent(s -> {
                    latest = s;
                    if (atFirstCompletion == null && s.completed() > 0) {
                        atFirstCompletion = s;
                    }
                }),
                1,
                1,
                TimeUnit.SECONDS);
    }

    /** The newest reading, or null before the first. */
    public CheckpointStats latest() {
        return latest;
    }

    /** Checkpoints that failed to trigger while the job was starting (before the first completed one). */
    public long failedAtStart() {
        CheckpointStats first = atFirstCompletion;
        return first == null ? (latest == null ? 0 : latest.failed()) : first.failed();
    }

    /** Checkpoints that failed or expired once the job was running. */
    public long failedWhileRunning() {
        CheckpointStats l = latest;
        return l == null ? 0 : l.failed() - failedAtStart();
    }

    /** Stops reading; {@link #latest()} keeps the last reading. */
    @Override
    public void close() {
        poller.shutdownNow();
    }
}
