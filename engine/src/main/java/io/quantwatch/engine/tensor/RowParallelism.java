package io.quantwatch.engine.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a matrix-vector (or matrix-matrix) product's rows across a fixed set of threads: the caller runs the first
 * slice, persistent workers the others. Workers spin briefly before parking because a decode step
 * issues dozens of sub-millisecond products back to back. Not shared between concurrent callers:
 * each inference session owns one.
 */
public final class RowParallelism implements AutoCloseable {
    /** Products smaller than this run on the caller alone; thread hand-off would cost more. */
    private static final long MIN_PARALLEL_WORK = 1L << 15;

    private static final int SPIN_LIMIT = 20_000;

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long epoch;
    private volatile boolean closed;
    private volatile Throwable workerFailure;
    private WeightMatrix matrix;
    private float[] input;
    private float[] output;
    /** Inputs of the product in flight; 0 for a matrix-vector product. */
    private int tokens;

    public RowParallelism(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].thread.start();
        }
    }

    public int threads() {
        return threads;
    }

    /** out = matrix · x. */
    public void matvec(WeightMatrix m, float[] x, float[] out) {
        int rows = m.rows();
        if (workers.length == 0 || (long) rows * m.cols() < MIN_PARALLEL_WORK) {
            m.matvec(x, out, 0, rows);
            return;
        }
        run(m, x, 0, out);
    }

    /** out[t·rows + r] = row(r) · x_t for {@code tokens} inputs laid out one after another ({@link WeightMatrix#matmul}). */
    public void matmul(WeightMatrix m, float[] x, int tokens, float[] out) {
        int rows = m.rows();
        if (workers.length == 0 || (long) rows * m.cols() * tokens < MIN_PARALLEL_WORK) {
            m.matmul(x, tokens, out, 0, rows);
            return;
        }
        run(m, x, tokens, out);
    }

    private void run(WeightMatrix m, float[] x, int tokenCount, float[] out) {
        matrix = m;
        input = x;
        output = out;
        tokens = tokenCount;
        pending.set(workers.length);
        epoch++; // volatile write publishes the fields above
        for (Worker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w.thread);
            }
        }
        runSlice(0);
        while (pending.get() != 0) {
            Thread.onSpinWait();
        }
        Throwable failure = workerFailure;
        if (failure != null) {
            workerFailure = null;
            throw new IllegalStateException("a matmul worker failed", failure);
        }
    }

    private void runSlice(int index) {
        int rows = matrix.rows();
        int from = (int) ((long) rows * index / threads);
        int to = (int) ((long) rows * (index + 1) / threads);
        if (tokens == 0) {
            matrix.matvec(input, output, from, to);
        } else {
            matrix.matmul(input, tokens, output, from, to);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }

    private final class Worker implements Runnable {
        final int index;
        final Thread thread;
        volatile boolean parked;
        long seen;

        Worker(int index) {
            this.index = index;
            this.thread = new Thread(this, "quantwatch-matvec-" + index);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (!closed) {
                int spins = 0;
                while (epoch == seen && !closed) {
                    if (++spins < SPIN_LIMIT) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (epoch == seen && !closed) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    }
                }
                if (closed) {
                    return;
                }
                seen = epoch;
                try {
                    runSlice(index);
                } catch (Throwable t) {
                    workerFailure = t; // rethrown on the calling thread
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }
}
