package dev.basalt.kernels.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One long-lived set of daemon worker threads that a backend splits row ranges over, with allocation-free
 * dispatch: a job is cut into a few chunks per thread, and every thread (the caller included) takes the next chunk
 * from one shared counter until none is left, as ggml-cpu's mul_mat does. A thread the OS has descheduled (the
 * machine runs other work) then delays the job by at most the chunk it holds, instead of its whole fixed share;
 * a worker that wakes after the job is done finds nothing to take, and the caller never waits for it.
 *
 * <p>The counter holds the job's sequence number in its high half, so a late worker's claim on an old job fails.
 * Idle workers spin briefly (decode's jobs follow each other within microseconds), then park; the caller wakes
 * only the parked ones. {@code threads = 1} means no worker threads at all. One job runs at a time: concurrent
 * callers (sessions) wait for the pool in turn.
 */
final class WorkerPool implements AutoCloseable {
    /** Below this many multiply-adds a range is not worth handing to other threads. */
    private static final long MIN_PARALLEL_WORK = 1 << 15;
    /** Chunks per thread: enough for the others to take over a stalled thread's share, few enough to be cheap. */
    private static final int CHUNKS_PER_THREAD = 4;
    /** Busy-wait rounds before parking (about 100 µs). */
    private static final int SPINS = 1 << 11;
    private static final AtomicInteger POOLS = new AtomicInteger();

    /** The work of one job over a sub-range [from, to) of its items; preallocated and reused by its owner. */
    interface RangeBody {
        void run(int from, int to);
    }

    /** One worker thread: waits for a new job, then takes chunks of it. */
    private final class Worker implements Runnable {
        final Thread thread;
        /** Set while parked, so that the caller unparks only workers that sleep. */
        volatile boolean sleeping;

        Worker(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (!closed) {
                long job = awaitJob(seen);
                if (job != seen) {
                    seen = job;
                    takeChunks(job);
                }
            }
        }

        private long awaitJob(long seen) {
            for (int i = 0; i < SPINS; i++) {
                long job = cursor.get() >>> 32;
                if (job != seen) {
                    return job;
                }
                Thread.onSpinWait();
            }
            sleeping = true;
            while ((cursor.get() >>> 32) == seen && !closed) {
                LockSupport.park(this);
            }
            sleeping = false;
            return cursor.get() >>> 32;
        }
    }

    private final int threads;
    private final Worker[] workers;
    /** (job sequence number << 32) | index of the next chunk to take. */
    private final AtomicLong cursor = new AtomicLong();
    /** Chunks of the current job finished. */
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    // The current job, written before the cursor publishes its sequence number.
    private RangeBody body;
    private int items;
    private int chunks;
    private long jobs;
    private volatile Thread caller;
    private volatile boolean callerParked;
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
     * Runs {@code body} over [0, n) split in contiguous ranges (one per thread or a few more; a single one when
     * {@code n * workPerItem} is small), and returns when all are done; a failure in any range is rethrown.
     */
    synchronized void forRange(int n, long workPerItem, RangeBody body) {
        if (closed) {
            throw new IllegalStateException("the CPU backend is closed");
        }
        int parallel = (int) Math.min(threads, Math.max(1, (long) n * workPerItem / MIN_PARALLEL_WORK));
        if (Math.min(parallel, n) <= 1) {
            body.run(0, n);
            return;
        }
        this.body = body;
        this.items = n;
        this.chunks = Math.min(n, parallel * CHUNKS_PER_THREAD);
        this.caller = Thread.currentThread();
        done.set(0);
        long job = ++jobs;
        cursor.set(job << 32);
        for (Worker w : workers) {
            if (w.sleeping) {
                LockSupport.unpark(w.thread);
            }
        }
        takeChunks(job);
        awaitChunks();
        this.body = null;
        rethrow(failure.getAndSet(null));
    }

    /** Takes and runs chunks of job {@code job} until none is left (or a newer job replaced it). */
    private void takeChunks(long job) {
        while (true) {
            long c = cursor.get();
            if ((c >>> 32) != job) {
                return;
            }
            // Read after the cursor: a successful claim below proves these still describe job {@code job}.
            RangeBody b = body;
            int n = items;
            int total = chunks;
            int i = (int) c;
            if (i >= total) {
                return;
            }
            if (!cursor.compareAndSet(c, c + 1)) {
                continue;
            }
            try {
                b.run((int) ((long) n * i / total), (int) ((long) n * (i + 1) / total));
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
            if (done.incrementAndGet() == total && callerParked) {
                LockSupport.unpark(caller);
            }
        }
    }

    /** Waits for the chunks other threads still run. */
    private void awaitChunks() {
        int total = chunks;
        for (int i = 0; i < SPINS && done.get() != total; i++) {
            Thread.onSpinWait();
        }
        if (done.get() != total) {
            callerParked = true;
            while (done.get() != total) {
                LockSupport.park(this);
            }
            callerParked = false;
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
