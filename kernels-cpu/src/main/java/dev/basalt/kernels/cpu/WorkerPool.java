package dev.basalt.kernels.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One long-lived set of daemon worker threads that a backend splits row ranges over, with allocation-free
 * dispatch: the caller writes each participating worker's range into its mailbox, bumps the worker's sequence
 * number and wakes it; no task objects, futures or queues (as ggml-cpu's threadpool, which also spins briefly
 * before sleeping). The calling thread takes the first share itself, so {@code threads = 1} means no worker
 * threads at all. One job runs at a time: concurrent callers (sessions) wait for the pool in turn.
 */
final class WorkerPool implements AutoCloseable {
    /** Below this many multiply-adds a range is not worth handing to other threads. */
    private static final long MIN_PARALLEL_WORK = 1 << 15;
    /** Busy-wait rounds before parking: decode's jobs follow each other within microseconds. */
    private static final int SPINS = 1 << 11;
    private static final AtomicInteger POOLS = new AtomicInteger();

    /** The work of one job over a sub-range [from, to) of its items; preallocated and reused by its owner. */
    interface RangeBody {
        void run(int from, int to);
    }

    /** One worker thread and its mailbox. */
    private final class Worker implements Runnable {
        final Thread thread;
        /** Bumped by the caller after it wrote {@link #body}, {@link #from}, {@link #to}. */
        volatile int posted;
        RangeBody body;
        int from;
        int to;

        Worker(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            int seen = 0;
            while (!closed) {
                int p = awaitPost(seen);
                if (p == seen) {
                    continue; // closed, or a spurious wake-up
                }
                seen = p;
                try {
                    body.run(from, to);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
                body = null;
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }

        private int awaitPost(int seen) {
            for (int i = 0; i < SPINS; i++) {
                int p = posted;
                if (p != seen) {
                    return p;
                }
                Thread.onSpinWait();
            }
            while (posted == seen && !closed) {
                LockSupport.park(this);
            }
            return posted;
        }
    }

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Thread caller;
    private volatile boolean closed;

    WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        int pool = POOLS.incrementAndGet();
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("basalt-cpu-" + pool + "-" + (i + 1));
            workers[i].thread.start();
        }
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over [0, n) split in contiguous ranges, one per thread (fewer when
     * {@code n * workPerItem} is small), and returns when all are done; a failure in any range is rethrown.
     */
    synchronized void forRange(int n, long workPerItem, RangeBody body) {
        if (closed) {
            throw new IllegalStateException("the CPU backend is closed");
        }
        int chunks = (int) Math.min(threads, Math.max(1, (long) n * workPerItem / MIN_PARALLEL_WORK));
        chunks = Math.min(chunks, n);
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        caller = Thread.currentThread();
        pending.set(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            Worker w = workers[c - 1];
            w.body = body;
            w.from = (int) ((long) n * c / chunks);
            w.to = (int) ((long) n * (c + 1) / chunks);
            w.posted = w.posted + 1;
            LockSupport.unpark(w.thread);
        }
        Throwable mine = null;
        try {
            body.run(0, (int) ((long) n / chunks));
        } catch (Throwable e) {
            mine = e;
        }
        awaitWorkers();
        Throwable theirs = failure.getAndSet(null);
        rethrow(mine != null ? mine : theirs);
    }

    private void awaitWorkers() {
        for (int i = 0; i < SPINS && pending.get() != 0; i++) {
            Thread.onSpinWait();
        }
        while (pending.get() != 0) {
            LockSupport.park(this);
        }
    }

    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error er) {
            throw er;
        }
        if (t != null) {
            throw new IllegalStateException("worker failed", t);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }
}
