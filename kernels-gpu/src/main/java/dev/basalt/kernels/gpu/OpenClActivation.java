package dev.basalt.kernels.gpu;

import dev.basalt.tensor.compute.Activation;
import java.lang.ref.Cleaner;

/**
 * An activation in device memory. A session's buffers (its KV cache, its workspace) have no close of their own:
 * when the activation becomes unreachable its buffer is released, and the backend's close releases the rest.
 */
final class OpenClActivation implements Activation {
    private static final Cleaner CLEANER = Cleaner.create();

    final DeviceBuffer buffer;
    private final int length;

    OpenClActivation(DeviceBuffer buffer, int length) {
        this.buffer = buffer;
        this.length = length;
        CLEANER.register(this, buffer::release);
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public String toString() {
        return "OpenClActivation[" + length + " floats]";
    }
}
