package dev.basalt.kernels.gpu;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code cl_mem} of an {@link OpenClContext}. Released exactly once: by its owner (an activation that became
 * unreachable, through a {@link java.lang.ref.Cleaner}) or by the context's close, whichever comes first.
 */
final class DeviceBuffer {
    private final OpenClContext context;
    private final MemorySegment handle;
    private final long bytes;
    private final AtomicBoolean released = new AtomicBoolean();

    DeviceBuffer(OpenClContext context, MemorySegment handle, long bytes) {
        this.context = context;
        this.handle = handle;
        this.bytes = bytes;
    }

    MemorySegment handle() {
        if (released.get()) {
            throw new IllegalStateException("device buffer of " + bytes + " bytes used after release");
        }
        return handle;
    }

    long bytes() {
        return bytes;
    }

    /** Returns the buffer to the driver; a second call does nothing. */
    void release() {
        if (released.compareAndSet(false, true)) {
            context.released(this);
            OpenCl.check("clReleaseMemObject", context.cl().releaseMemObject(handle));
        }
    }
}
