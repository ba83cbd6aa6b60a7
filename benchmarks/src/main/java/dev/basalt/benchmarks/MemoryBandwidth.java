package dev.basalt.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's memory read bandwidth as decode sees it: {@code threads} threads each stream their own part of a
 * buffer much larger than the last-level cache (vector loads, summed so the loads are not optimized away), best of
 * a few passes. Decode reads every weight once per token, so weight bytes × tokens/s ÷ this is the share of the
 * machine's bandwidth an engine uses.
 */
final class MemoryBandwidth {
    private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;
    private static final long MIN_BUFFER = 512L << 20;
    private static final int PASSES = 4;

    @SuppressWarnings("unused") // written so that the JIT cannot drop the loads
    private static volatile long checksum;

    private MemoryBandwidth() {
    }

    /** The buffer size used: four times the last-level cache that Linux reports, at least 512 MiB. */
    static long bufferBytes() {
        long l3 = 0;
        for (int index = 3; index >= 2 && l3 == 0; index--) {
            l3 = cacheSize(Path.of("/sys/devices/system/cpu/cpu0/cache/index" + index + "/size"));
        }
        long bytes = Math.max(MIN_BUFFER, 4 * l3);
        return bytes - bytes % (64L * SPECIES.vectorByteSize());
    }

    /** "491520K" → bytes; 0 if the file is missing or unreadable. */
    private static long cacheSize(Path file) {
        try {
            String s = Files.readString(file).strip();
            long unit = s.endsWith("K") ? 1 << 10 : s.endsWith("M") ? 1 << 20 : 1;
            return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Bytes per second read by {@code threads} threads streaming over {@code bytes} bytes; best of a few passes. */
    static double measure(int threads, long bytes) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(bytes, 64);
            buffer.fill((byte) 1); // touch every page, so the first pass does not measure page faults
            long slice = bytes / threads - (bytes / threads) % SPECIES.vectorByteSize();
            CyclicBarrier start = new CyclicBarrier(threads + 1);
            CyclicBarrier end = new CyclicBarrier(threads + 1);
            AtomicLong sink = new AtomicLong();
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                MemorySegment part = buffer.asSlice(t * slice, slice);
                workers[t] = Thread.ofPlatform().daemon().name("basalt-bandwidth-" + t).start(() -> {
                    for (int pass = 0; pass < PASSES; pass++) {
                        await(start);
                        sink.addAndGet(sum(part));
                        await(end);
                    }
                });
            }
            double best = 0;
            for (int pass = 0; pass < PASSES; pass++) {
                await(start);
                long t0 = System.nanoTime();
                await(end);
                best = Math.max(best, slice * threads / ((System.nanoTime() - t0) / 1e9));
            }
            for (Thread w : workers) {
                w.join();
            }
            checksum = sink.get(); // keeps the sums, and so the loads, alive
            return best;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring memory bandwidth", e);
        }
    }

    private static long sum(MemorySegment part) {
        LongVector acc = LongVector.zero(SPECIES);
        long step = SPECIES.vectorByteSize();
        for (long offset = 0; offset < part.byteSize(); offset += step) {
            acc = acc.add(LongVector.fromMemorySegment(SPECIES, part, offset, ByteOrder.nativeOrder()));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException("memory bandwidth worker interrupted", e);
        }
    }
}
