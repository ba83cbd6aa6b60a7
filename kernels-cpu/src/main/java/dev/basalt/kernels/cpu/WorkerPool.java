package dev.basalt.kernels.cpu;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One long-lived set of daemon worker threads that a backend splits row ranges over. The calling thread takes
 * the first share itself, so {@code threads = 1} means no worker threads at all. Several callers (sessions) may
 * use the pool at once; their tasks queue.
 */
final class WorkerPool implements AutoCloseable {
    /** Below this many multiply-adds a range is not worth handing to other threads. */
    private static final long MIN_PARALLEL_WORK = 1 << 15;
    private static final AtomicInteger POOLS = new AtomicInteger();

    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    private final int threads;
    private final ExecutorService executor;

    WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        if (threads == 1) {
            executor = null;
        } else {
            int pool = POOLS.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            executor = Executors.newFixedThreadPool(threads - 1, r -> {
                Thread t = new Thread(r, "basalt-cpu-" + pool + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    int threads() {
        return threads;
    }

    /** Runs {@code body} over [0, n) split in contiguous ranges; {@code workPerItem} sizes the split. */
    void forRange(int n, long workPerItem, RangeBody body) {
        int chunks = (int) Math.min(threads, Math.max(1, (long) n * workPerItem / MIN_PARALLEL_WORK));
        chunks = Math.min(chunks, n);
        if (executor == null || chunks <= 1) {
            body.run(0, n);
            return;
        }
        Future<?>[] futures = new Future<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            futures[c - 1] = executor.submit(() -> body.run(from, to));
        }
        Throwable failure = null;
        try {
            body.run(0, (int) ((long) n / chunks));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error er) {
            throw er;
        }
        if (failure != null) {
            throw new IllegalStateException("worker interrupted", failure);
        }
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
