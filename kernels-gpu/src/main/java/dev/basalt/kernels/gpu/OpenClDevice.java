package dev.basalt.kernels.gpu;

import dev.basalt.tensor.compute.BackendUnavailableException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One OpenCL device as {@code basalt devices} lists it; {@code index} counts the devices of all platforms in the
 * order the ICD loader reports them ({@code --device N}).
 */
public record OpenClDevice(int index, String platform, String name, String type, String version, long globalMemory,
        long maxAllocation, int computeUnits, long maxWorkGroupSize, String extensions, MemorySegment handle) {

    /**
     * Every device of every platform.
     *
     * @throws BackendUnavailableException when the OpenCL library is missing or no device is found
     */
    public static List<OpenClDevice> all() {
        OpenCl cl = OpenCl.library();
        List<OpenClDevice> out = new ArrayList<>();
        for (MemorySegment p : cl.platforms()) {
            String platform = cl.platformInfo(p, OpenCl.CL_PLATFORM_NAME) + " (" + cl.platformInfo(p, OpenCl.CL_PLATFORM_VERSION) + ")";
            for (MemorySegment d : cl.devices(p)) {
                out.add(new OpenClDevice(out.size(), platform, cl.deviceString(d, OpenCl.CL_DEVICE_NAME),
                        typeName(cl.deviceNumber(d, OpenCl.CL_DEVICE_TYPE, 8)), cl.deviceString(d, OpenCl.CL_DEVICE_VERSION),
                        cl.deviceNumber(d, OpenCl.CL_DEVICE_GLOBAL_MEM_SIZE, 8),
                        cl.deviceNumber(d, OpenCl.CL_DEVICE_MAX_MEM_ALLOC_SIZE, 8),
                        (int) cl.deviceNumber(d, OpenCl.CL_DEVICE_MAX_COMPUTE_UNITS, 4),
                        cl.deviceNumber(d, OpenCl.CL_DEVICE_MAX_WORK_GROUP_SIZE, 8),
                        cl.deviceString(d, OpenCl.CL_DEVICE_EXTENSIONS), d));
            }
        }
        if (out.isEmpty()) {
            throw new BackendUnavailableException("no OpenCL device found (" + OpenCl.LIBRARY
                    + " loaded, but no driver reports a device; install one, e.g. apt-get install pocl-opencl-icd, "
                    + "or your GPU vendor's OpenCL ICD)");
        }
        return List.copyOf(out);
    }

    /** Device {@code index} of {@link #all()}. */
    public static OpenClDevice get(int index) {
        List<OpenClDevice> all = all();
        if (index < 0 || index >= all.size()) {
            throw new IllegalArgumentException("no OpenCL device " + index + "; there are " + all.size()
                    + " (0.." + (all.size() - 1) + ", see basalt devices)");
        }
        return all.get(index);
    }

    private static String typeName(long type) {
        if ((type & 4) != 0) {
            return "GPU";
        }
        if ((type & 2) != 0) {
            return "CPU";
        }
        if ((type & 8) != 0) {
            return "accelerator";
        }
        return "other";
    }

    /** Whether the device computes with half floats natively (Basalt converts F16 in its kernels either way). */
    public boolean fp16() {
        return (" " + extensions + " ").contains(" cl_khr_fp16 ");
    }

    /** One line for {@code basalt devices}. */
    public String describe() {
        return String.format(Locale.ROOT, "%d: %s %s, %s, %d compute units, %.1f GiB (max buffer %.1f GiB)%s; %s",
                index, type, name, version, computeUnits, globalMemory / (double) (1L << 30),
                maxAllocation / (double) (1L << 30), fp16() ? ", fp16" : "", platform);
    }
}
