package dev.basalt.kernels.gpu;

import dev.basalt.tensor.compute.Backend;
import dev.basalt.tensor.compute.BackendProvider;
import java.util.List;

/** The OpenCL backend as a service ({@code --backend opencl}); {@code threads} does not apply to it. */
public final class OpenClBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public List<String> devices() {
        return OpenClDevice.all().stream().map(OpenClDevice::describe).toList();
    }

    @Override
    public Backend create(int threads, int device) {
        return new OpenClBackend(OpenClDevice.get(device));
    }
}
