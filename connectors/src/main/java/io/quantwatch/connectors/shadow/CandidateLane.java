package io.quantwatch.connectors.shadow;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One candidate's worker thread: runs that candidate's pipeline work one task at a time, so a pipeline
 * that hangs holds exactly one thread, and tells whether its current task is past its deadline (then
 * nothing more is queued behind it).
 */
final class CandidateLane implements AutoCloseable {
    private final ExecutorService executor;
    /** System.nanoTime() deadline of the running task; 0 while idle. */
    private volatile long runningDeadline;

    CandidateLane(String candidate) {
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "quantwatch-shadow-" + candidate);
            t.setDaemon(true); // a pipeline stuck in native code must not keep the JVM alive
            return t;
        });
    }

    <T> Future<T> submit(Callable<T> work, long deadlineNanos) {
        return executor.submit(() -> {
            runningDeadline = deadlineNanos;
            try {
                return work.call();
            } finally {
                runningDeadline = 0;
            }
        });
    }

    /** True while the running task has outlived its deadline (a hung or stalled pipeline). */
    boolean overdue(long nowNanos) {
        long d = runningDeadline;
        return d != 0 && nowNanos - d > 0;
    }

    /** Interrupts the running task and waits briefly; false if the thread is still stuck (its pipeline must not be closed). */
    boolean stop(long waitMillis) {
        executor.shutdownNow();
        try {
            return executor.awaitTermination(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        stop(0);
    }
}
