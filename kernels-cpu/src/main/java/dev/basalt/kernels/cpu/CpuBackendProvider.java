package dev.basalt.kernels.cpu;

import dev.basalt.tensor.compute.Backend;
import dev.basalt.tensor.compute.BackendProvider;
import java.util.List;

/** The CPU backend as a service: one device, this machine's processors. */
public final class CpuBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public List<String> devices() {
        return List.of("0: " + Runtime.getRuntime().availableProcessors() + " processors, Vector API "
                + KernelSpecies.FLOAT.vectorBitSize() + "-bit");
    }

    @Override
    public Backend create(int threads, int device) {
        if (device != 0) {
            throw new IllegalArgumentException("the cpu backend has one device (0), not " + device);
        }
        return new CpuBackend(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    }
}
