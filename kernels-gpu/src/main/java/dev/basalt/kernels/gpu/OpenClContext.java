package dev.basalt.kernels.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenCL context on one device with its in-order command queue and Basalt's kernel program: the plumbing the
 * {@link OpenClBackend}'s operations are written on. Tracks every buffer it creates, so that {@link #close()}
 * releases what is still held; commands run in the order they are enqueued, and only reads wait for them.
 *
 * <p>Not thread-safe: the backend serializes its calls (kernel arguments are state of a shared kernel object).
 */
final class OpenClContext implements AutoCloseable {
    /** The program's sources, concatenated in this order (the weight formats use the macro of weight_kernels.cl). */
    private static final List<String> SOURCES = List.of("common.cl", "weight_kernels.cl", "f32.cl", "f16.cl",
            "q8_0.cl", "q4_0.cl", "q4_k.cl", "rms_norm.cl", "rope.cl", "attention.cl", "elementwise.cl");
    /** Work-group size of the reduction kernels, at most the device's. */
    private static final int PREFERRED_WORK_GROUP = 64;
    /** Contexts not yet closed in this process (the leak test reads it). */
    static final AtomicInteger OPEN = new AtomicInteger();

    private final OpenCl cl;
    private final OpenClDevice device;
    private final MemorySegment context;
    private final MemorySegment queue;
    private final MemorySegment program;
    private final Map<String, MemorySegment> kernels = new HashMap<>();
    private final Set<DeviceBuffer> buffers = ConcurrentHashMap.newKeySet();
    private final int workGroupSize;
    private boolean closed;

    OpenClContext(OpenClDevice device) {
        this.cl = OpenCl.library();
        this.device = device;
        this.workGroupSize = Integer.highestOneBit((int) Math.min(PREFERRED_WORK_GROUP, device.maxWorkGroupSize()));
        MemorySegment ctx = null;
        MemorySegment q = null;
        MemorySegment prog = null;
        try {
            ctx = cl.createContext(device.handle());
            q = cl.createCommandQueue(ctx, device.handle());
            prog = cl.createProgram(ctx, programSource());
            cl.buildProgram(prog, device.handle(), "-cl-std=CL1.2 -DWG_SIZE=" + workGroupSize);
        } catch (RuntimeException e) {
            // release in reverse order of creation; the first failure is the one reported
            if (prog != null) {
                cl.releaseProgram(prog);
            }
            if (q != null) {
                cl.releaseCommandQueue(q);
            }
            if (ctx != null) {
                cl.releaseContext(ctx);
            }
            throw e;
        }
        this.context = ctx;
        this.queue = q;
        this.program = prog;
        OPEN.incrementAndGet();
    }

    static String programSource() {
        StringBuilder source = new StringBuilder();
        for (String name : SOURCES) {
            try (InputStream in = OpenClContext.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("kernel source " + name + " missing from the kernels-gpu jar");
                }
                source.append("// ---- ").append(name).append('\n')
                        .append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("reading kernel source " + name, e);
            }
        }
        return source.toString();
    }

    OpenCl cl() {
        return cl;
    }

    OpenClDevice device() {
        return device;
    }

    /** The work-group size the reduction kernels were built for (WG_SIZE). */
    int workGroupSize() {
        return workGroupSize;
    }

    /** Buffers created and not yet released. */
    int liveBuffers() {
        return buffers.size();
    }

    /** A new buffer of {@code bytes} (> 0), zero-filled when {@code zero}. */
    DeviceBuffer buffer(long bytes, boolean zero) {
        ensureOpen();
        if (bytes > device.maxAllocation()) {
            throw new OpenClException("clCreateBuffer(" + bytes + " bytes)", -61, "the device's largest buffer is "
                    + device.maxAllocation() + " bytes (" + device.name() + ")");
        }
        DeviceBuffer b = new DeviceBuffer(this, cl.createBuffer(context, Math.max(bytes, 4)), bytes);
        buffers.add(b);
        if (zero) {
            cl.zeroBuffer(queue, b.handle(), Math.max(bytes, 4));
        }
        return b;
    }

    void released(DeviceBuffer b) {
        buffers.remove(b);
    }

    void write(MemorySegment src, DeviceBuffer dst, long dstOffset) {
        cl.writeBuffer(queue, dst.handle(), dstOffset, src);
    }

    void read(DeviceBuffer src, long srcOffset, MemorySegment dst) {
        cl.readBuffer(queue, src.handle(), srcOffset, dst);
    }

    void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long bytes) {
        cl.copyBuffer(queue, src.handle(), srcOffset, dst.handle(), dstOffset, bytes);
    }

    /**
     * Enqueues {@code kernel} over {@code global} items in groups of {@code local} (null: the driver's choice).
     * Arguments in order: {@link DeviceBuffer} (a {@code global} pointer), {@link Integer} ({@code int}),
     * {@link Float} ({@code float}).
     */
    void launch(String kernel, long[] global, long[] local, Object... args) {
        ensureOpen();
        MemorySegment k = kernels.computeIfAbsent(kernel, name -> cl.createKernel(program, name));
        try (Arena a = Arena.ofConfined()) {
            for (int i = 0; i < args.length; i++) {
                MemorySegment value = switch (args[i]) {
                    case DeviceBuffer b -> a.allocateFrom(ADDRESS, b.handle());
                    case Integer v -> a.allocateFrom(JAVA_INT, v);
                    case Float v -> a.allocateFrom(JAVA_FLOAT, v);
                    default -> throw new IllegalArgumentException("kernel argument of type " + args[i].getClass());
                };
                cl.setKernelArg(k, i, value, kernel);
            }
        }
        cl.enqueueKernel(queue, k, global, local, kernel);
    }

    /** Waits for every enqueued command. */
    void finish() {
        cl.finish(queue);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the OpenCL backend on " + device.name() + " is closed");
        }
    }

    /**
     * Waits for the queue, then releases every buffer still held, the kernels, the program, the queue and the
     * context; reports the first failed release after trying them all.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        OPEN.decrementAndGet();
        RuntimeException failure = null;
        try {
            cl.finish(queue);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (DeviceBuffer b : List.copyOf(buffers)) {
            try {
                b.release();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        int status = 0;
        for (MemorySegment k : kernels.values()) {
            status = firstFailure(status, cl.releaseKernel(k));
        }
        kernels.clear();
        status = firstFailure(status, cl.releaseProgram(program));
        status = firstFailure(status, cl.releaseCommandQueue(queue));
        status = firstFailure(status, cl.releaseContext(context));
        if (failure != null) {
            throw failure;
        }
        OpenCl.check("releasing the OpenCL context (clRelease*)", status);
    }

    private static int firstFailure(int status, int next) {
        return status != 0 ? status : next;
    }
}
