package dev.basalt.kernels.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.tensor.compute.BackendUnavailableException;

/**
 * The device the GPU tests run on: {@code -Dbasalt.opencl.device=N} (default 0). Where OpenCL is missing the tests
 * are skipped with the reason, unless the environment sets {@code BASALT_REQUIRE_OPENCL=1} (CI does: there a
 * missing OpenCL is a failure, never a silent skip).
 */
final class OpenClTestDevice {

    private OpenClTestDevice() {
    }

    static OpenClDevice get() {
        try {
            return OpenClDevice.get(Integer.getInteger("basalt.opencl.device", 0));
        } catch (BackendUnavailableException e) {
            if ("1".equals(System.getenv("BASALT_REQUIRE_OPENCL"))) {
                throw e;
            }
            assumeTrue(false, "OpenCL tests skipped, no OpenCL here: " + e.getMessage());
            throw e;
        }
    }
}
