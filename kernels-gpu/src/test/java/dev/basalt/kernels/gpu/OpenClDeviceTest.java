package dev.basalt.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.tensor.compute.BackendProvider;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Device listing, the provider found through ServiceLoader, and the errors a wrong device or build gives. */
class OpenClDeviceTest {

    @Test
    void listsDevicesWithTheirProperties() {
        OpenClDevice device = OpenClTestDevice.get();
        List<OpenClDevice> all = OpenClDevice.all();
        assertEquals(device.index(), all.indexOf(device));
        assertFalse(device.name().isBlank());
        assertTrue(device.globalMemory() > 0 && device.computeUnits() > 0 && device.maxWorkGroupSize() > 0, device.describe());
        assertTrue(device.describe().startsWith(device.index() + ": "), device.describe());
    }

    @Test
    void providerIsFoundThroughServiceLoader() {
        OpenClTestDevice.get();
        BackendProvider opencl = ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("opencl")).findFirst().orElseThrow();
        assertEquals(OpenClDevice.all().size(), opencl.devices().size());
        try (var backend = opencl.create(0, 0)) {
            assertEquals("opencl", backend.name());
        }
    }

    @Test
    void aMissingDeviceNamesTheDevicesThereAre() {
        OpenClTestDevice.get();
        int count = OpenClDevice.all().size();
        var e = assertThrows(IllegalArgumentException.class, () -> OpenClDevice.get(count));
        assertTrue(e.getMessage().contains("no OpenCL device " + count + "; there are " + count), e.getMessage());
    }

    @Test
    void aBuildFailureCarriesTheCompilersLog() {
        OpenClDevice device = OpenClTestDevice.get();
        OpenCl cl = OpenCl.library();
        var context = cl.createContext(device.handle());
        var program = cl.createProgram(context, "kernel void broken(global float* x) { x[0] = undeclared_name; }");
        try {
            var e = assertThrows(OpenClException.class, () -> cl.buildProgram(program, device.handle(), ""));
            assertTrue(e.getMessage().startsWith("clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE: build log:"), e.getMessage());
            assertTrue(e.getMessage().contains("undeclared_name"), e.getMessage());
            assertEquals(-11, e.code());
        } finally {
            cl.releaseProgram(program);
            cl.releaseContext(context);
        }
    }

    @Test
    void aFailedCallNamesTheCallAndTheError() {
        OpenClTestDevice.get();
        OpenCl cl = OpenCl.library();
        // a null context is CL_INVALID_CONTEXT for every driver
        var e = assertThrows(OpenClException.class, () -> cl.createBuffer(java.lang.foreign.MemorySegment.NULL, 64));
        assertEquals("clCreateBuffer(64 bytes) failed: CL_INVALID_CONTEXT", e.getMessage());
    }
}
