package dev.basalt.examples.server;

import dev.basalt.engine.Generator;
import java.util.ArrayList;
import java.util.Objects;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server's slots: a fixed set of {@link Slot}s (each generator with its own KV cache), lent to one request at a
 * time. When all are busy, up to {@code queue} requests wait (first come, first served); more are refused at once
 * with 429. A prompt gets the free slot whose cache shares the longest prefix with it, so a client that sends a
 * conversation again with one more turn reuses the cache of its last reply; an embedding request takes any.
 */
final class SlotPool implements AutoCloseable {
    private final List<Slot> all;
    private final List<Slot> free;
    private final int queueCapacity;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition released = lock.newCondition();
    private int waiting;
    private boolean closed;

    SlotPool(List<Slot> slots, int queueCapacity) {
        this.all = List.copyOf(slots);
        this.free = new ArrayList<>(slots);
        this.queueCapacity = queueCapacity;
    }

    /**
     * Takes a slot for {@code promptIds} (null: an embedding request, any slot), waiting in the queue if all are busy.
     *
     * @throws ApiError 429 when the queue is full; 503 when the pool closes or the thread is interrupted
     */
    Slot acquire(int[] promptIds) {
        lock.lock();
        try {
            if (closed) {
                throw ApiError.unavailable("the server is shutting down");
            }
            if (free.isEmpty() && waiting >= queueCapacity) {
                throw ApiError.busy(all.size(), waiting);
            }
            waiting++;
            try {
                while (free.isEmpty() && !closed) {
                    released.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiError.unavailable("the server is shutting down");
            } finally {
                waiting--;
            }
            if (closed) {
                throw ApiError.unavailable("the server is shutting down");
            }
            Slot best = free.get(0);
            if (promptIds != null) {
                for (Slot s : free) {
                    if (s.generator().reusablePrefix(promptIds) > best.generator().reusablePrefix(promptIds)) {
                        best = s;
                    }
                }
            }
            free.remove(best);
            return best;
        } finally {
            lock.unlock();
        }
    }

    void release(Slot slot) {
        lock.lock();
        try {
            free.add(slot);
            released.signal();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        return all.size();
    }

    /** Slots lent now. */
    int active() {
        lock.lock();
        try {
            return all.size() - free.size();
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting for a slot. */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** From now on requests are turned away with 503, and those waiting are woken to be told so. */
    void stopAccepting() {
        lock.lock();
        try {
            closed = true;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops accepting and drops every session; call when no slot is lent any more. */
    @Override
    public void close() {
        stopAccepting();
        all.stream().map(Slot::generator).filter(Objects::nonNull).forEach(Generator::close);
    }
}
