package dev.basalt.kernels.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.basalt.tensor.compute.BackendUnavailableException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * Hand-written bindings to the OpenCL 1.2 calls Basalt uses, in {@code libOpenCL.so.1} (the ICD loader, which
 * dispatches to the installed drivers: NVIDIA's, AMD's, Intel's, PoCL). Every call's status is checked: a failure
 * is an {@link OpenClException} naming the call and the CL error. Handles ({@code cl_context}, {@code cl_mem}, ...)
 * are plain {@link MemorySegment} addresses; {@code size_t} is 64-bit (the only ABI the JDK's FFM targets here).
 *
 * <p>The library is loaded once per process, on first use; {@link #library()} says why it cannot be.
 */
final class OpenCl {
    static final int CL_TRUE = 1;
    static final long CL_DEVICE_TYPE_ALL = 0xFFFFFFFFL;
    static final long CL_MEM_READ_WRITE = 1;
    static final int CL_PLATFORM_VERSION = 0x0901;
    static final int CL_PLATFORM_NAME = 0x0902;
    static final int CL_DEVICE_TYPE = 0x1000;
    static final int CL_DEVICE_MAX_COMPUTE_UNITS = 0x1002;
    static final int CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004;
    static final int CL_DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010;
    static final int CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F;
    static final int CL_DEVICE_NAME = 0x102B;
    static final int CL_DEVICE_VERSION = 0x102F;
    static final int CL_DEVICE_EXTENSIONS = 0x1030;
    static final int CL_PROGRAM_BUILD_LOG = 0x1183;
    static final int CL_KERNEL_WORK_GROUP_SIZE = 0x11B0;

    /** The library name, overridable with {@code -Dbasalt.opencl.library=/path/libOpenCL.so}. */
    static final String LIBRARY = System.getProperty("basalt.opencl.library", "libOpenCL.so.1");

    private static volatile OpenCl instance;
    private static volatile BackendUnavailableException loadFailure;

    private final MethodHandle getPlatformIDs;
    private final MethodHandle getPlatformInfo;
    private final MethodHandle getDeviceIDs;
    private final MethodHandle getDeviceInfo;
    private final MethodHandle createContext;
    private final MethodHandle createCommandQueue;
    private final MethodHandle createBuffer;
    private final MethodHandle enqueueWriteBuffer;
    private final MethodHandle enqueueReadBuffer;
    private final MethodHandle enqueueCopyBuffer;
    private final MethodHandle enqueueFillBuffer;
    private final MethodHandle createProgramWithSource;
    private final MethodHandle buildProgram;
    private final MethodHandle getProgramBuildInfo;
    private final MethodHandle createKernel;
    private final MethodHandle setKernelArg;
    private final MethodHandle getKernelWorkGroupInfo;
    private final MethodHandle enqueueNDRangeKernel;
    private final MethodHandle finish;
    private final MethodHandle releaseMemObject;
    private final MethodHandle releaseKernel;
    private final MethodHandle releaseProgram;
    private final MethodHandle releaseCommandQueue;
    private final MethodHandle releaseContext;

    private OpenCl(SymbolLookup lib) {
        MemoryLayout size = JAVA_LONG;
        getPlatformIDs = bind(lib, "clGetPlatformIDs", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
        getPlatformInfo = bind(lib, "clGetPlatformInfo", JAVA_INT, ADDRESS, JAVA_INT, size, ADDRESS, ADDRESS);
        getDeviceIDs = bind(lib, "clGetDeviceIDs", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
        getDeviceInfo = bind(lib, "clGetDeviceInfo", JAVA_INT, ADDRESS, JAVA_INT, size, ADDRESS, ADDRESS);
        createContext = bind(lib, "clCreateContext", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        createCommandQueue = bind(lib, "clCreateCommandQueue", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
        createBuffer = bind(lib, "clCreateBuffer", ADDRESS, ADDRESS, JAVA_LONG, size, ADDRESS, ADDRESS);
        enqueueWriteBuffer = bind(lib, "clEnqueueWriteBuffer", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, size, size,
                ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        enqueueReadBuffer = bind(lib, "clEnqueueReadBuffer", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, size, size,
                ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        enqueueCopyBuffer = bind(lib, "clEnqueueCopyBuffer", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, size, size, size,
                JAVA_INT, ADDRESS, ADDRESS);
        enqueueFillBuffer = bind(lib, "clEnqueueFillBuffer", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, size, size, size,
                JAVA_INT, ADDRESS, ADDRESS);
        createProgramWithSource = bind(lib, "clCreateProgramWithSource", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS,
                ADDRESS);
        buildProgram = bind(lib, "clBuildProgram", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        getProgramBuildInfo = bind(lib, "clGetProgramBuildInfo", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, size, ADDRESS,
                ADDRESS);
        createKernel = bind(lib, "clCreateKernel", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        setKernelArg = bind(lib, "clSetKernelArg", JAVA_INT, ADDRESS, JAVA_INT, size, ADDRESS);
        getKernelWorkGroupInfo = bind(lib, "clGetKernelWorkGroupInfo", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, size,
                ADDRESS, ADDRESS);
        enqueueNDRangeKernel = bind(lib, "clEnqueueNDRangeKernel", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        finish = bind(lib, "clFinish", JAVA_INT, ADDRESS);
        releaseMemObject = bind(lib, "clReleaseMemObject", JAVA_INT, ADDRESS);
        releaseKernel = bind(lib, "clReleaseKernel", JAVA_INT, ADDRESS);
        releaseProgram = bind(lib, "clReleaseProgram", JAVA_INT, ADDRESS);
        releaseCommandQueue = bind(lib, "clReleaseCommandQueue", JAVA_INT, ADDRESS);
        releaseContext = bind(lib, "clReleaseContext", JAVA_INT, ADDRESS);
    }

    /**
     * The bindings, loading {@link #LIBRARY} on first use.
     *
     * @throws BackendUnavailableException when the library or one of its functions is missing
     */
    static OpenCl library() {
        OpenCl cl = instance;
        if (cl != null) {
            return cl;
        }
        synchronized (OpenCl.class) {
            if (instance == null && loadFailure == null) {
                try {
                    instance = new OpenCl(SymbolLookup.libraryLookup(LIBRARY, Arena.global()));
                } catch (IllegalArgumentException | IllegalCallerException e) {
                    loadFailure = new BackendUnavailableException("cannot load the OpenCL library " + LIBRARY + " ("
                            + e.getMessage() + "); install an OpenCL driver, e.g. apt-get install ocl-icd-libopencl1 "
                            + "pocl-opencl-icd (CPU) or your GPU vendor's OpenCL ICD", e);
                }
            }
            if (loadFailure != null) {
                throw loadFailure;
            }
            return instance;
        }
    }

    private static MethodHandle bind(SymbolLookup lib, String name, MemoryLayout result, MemoryLayout... args) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new IllegalArgumentException(
                LIBRARY + " lacks " + name + " (an OpenCL 1.2 library is needed)"));
        return Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(result, args));
    }

    static void check(String call, int status) {
        if (status != 0) {
            throw new OpenClException(call, status, null);
        }
    }

    /** Calls that return a handle report their status through an int out-parameter. */
    private static MemorySegment checkHandle(String call, MemorySegment handle, MemorySegment status) {
        check(call, status.get(JAVA_INT, 0));
        return handle;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    // ---- platforms and devices

    /** The platforms' handles; none is an empty array (the ICD loader's CL_PLATFORM_NOT_FOUND_KHR). */
    MemorySegment[] platforms() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment count = a.allocate(JAVA_INT);
            int status = (int) getPlatformIDs.invokeExact(0, MemorySegment.NULL, count);
            if (status == -1001) {
                return new MemorySegment[0];
            }
            check("clGetPlatformIDs", status);
            int n = count.get(JAVA_INT, 0);
            MemorySegment ids = a.allocate(ADDRESS, Math.max(1, n));
            check("clGetPlatformIDs", (int) getPlatformIDs.invokeExact(n, ids, MemorySegment.NULL));
            return handles(ids, n);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    String platformInfo(MemorySegment platform, int param) {
        return queryString("clGetPlatformInfo", (size, value, sizeRet) ->
                (int) getPlatformInfo.invokeExact(platform, param, size, value, sizeRet));
    }

    /** An info call of the usual two-step form: ask for the size, then for the value (a C string). */
    @FunctionalInterface
    private interface InfoCall {
        int call(long size, MemorySegment value, MemorySegment sizeRet) throws Throwable;
    }

    private static String queryString(String call, InfoCall info) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            check(call, info.call(0L, MemorySegment.NULL, size));
            MemorySegment value = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
            check(call, info.call(value.byteSize(), value, MemorySegment.NULL));
            return value.getString(0, StandardCharsets.UTF_8).trim();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The platform's devices of every type; none is an empty array. */
    MemorySegment[] devices(MemorySegment platform) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment count = a.allocate(JAVA_INT);
            int status = (int) getDeviceIDs.invokeExact(platform, CL_DEVICE_TYPE_ALL, 0, MemorySegment.NULL, count);
            if (status == -1) { // CL_DEVICE_NOT_FOUND
                return new MemorySegment[0];
            }
            check("clGetDeviceIDs", status);
            int n = count.get(JAVA_INT, 0);
            MemorySegment ids = a.allocate(ADDRESS, Math.max(1, n));
            check("clGetDeviceIDs", (int) getDeviceIDs.invokeExact(platform, CL_DEVICE_TYPE_ALL, n, ids,
                    MemorySegment.NULL));
            return handles(ids, n);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static MemorySegment[] handles(MemorySegment ids, int n) {
        MemorySegment[] out = new MemorySegment[n];
        for (int i = 0; i < n; i++) {
            out[i] = ids.getAtIndex(ADDRESS, i);
        }
        return out;
    }

    String deviceString(MemorySegment device, int param) {
        return queryString("clGetDeviceInfo", (size, value, sizeRet) ->
                (int) getDeviceInfo.invokeExact(device, param, size, value, sizeRet));
    }

    /** A numeric device property of {@code bytes} bytes (4: cl_uint, 8: cl_ulong, size_t, cl_bitfield). */
    long deviceNumber(MemorySegment device, int param, int bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment value = a.allocate(8);
            check("clGetDeviceInfo", (int) getDeviceInfo.invokeExact(device, param, (long) bytes, value,
                    MemorySegment.NULL));
            return bytes == 4 ? Integer.toUnsignedLong(value.get(JAVA_INT, 0)) : value.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- context, queue, memory

    MemorySegment createContext(MemorySegment device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment devices = a.allocate(ADDRESS);
            devices.set(ADDRESS, 0, device);
            MemorySegment status = a.allocate(JAVA_INT);
            return checkHandle("clCreateContext", (MemorySegment) createContext.invokeExact(MemorySegment.NULL, 1,
                    devices, MemorySegment.NULL, MemorySegment.NULL, status), status);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** An in-order queue: each command sees the results of those enqueued before it. */
    MemorySegment createCommandQueue(MemorySegment context, MemorySegment device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment status = a.allocate(JAVA_INT);
            return checkHandle("clCreateCommandQueue", (MemorySegment) createCommandQueue.invokeExact(context, device,
                    0L, status), status);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment createBuffer(MemorySegment context, long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment status = a.allocate(JAVA_INT);
            return checkHandle("clCreateBuffer(" + bytes + " bytes)", (MemorySegment) createBuffer.invokeExact(context,
                    CL_MEM_READ_WRITE, bytes, MemorySegment.NULL, status), status);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Copies host memory into the buffer; returns when {@code src} may be reused. */
    void writeBuffer(MemorySegment queue, MemorySegment buffer, long offset, MemorySegment src) {
        try {
            check("clEnqueueWriteBuffer", (int) enqueueWriteBuffer.invokeExact(queue, buffer, CL_TRUE, offset,
                    src.byteSize(), src, 0, MemorySegment.NULL, MemorySegment.NULL));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Copies the buffer into host memory after every command enqueued before it; returns when done. */
    void readBuffer(MemorySegment queue, MemorySegment buffer, long offset, MemorySegment dst) {
        try {
            check("clEnqueueReadBuffer", (int) enqueueReadBuffer.invokeExact(queue, buffer, CL_TRUE, offset,
                    dst.byteSize(), dst, 0, MemorySegment.NULL, MemorySegment.NULL));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void copyBuffer(MemorySegment queue, MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset,
            long bytes) {
        try {
            check("clEnqueueCopyBuffer", (int) enqueueCopyBuffer.invokeExact(queue, src, dst, srcOffset, dstOffset,
                    bytes, 0, MemorySegment.NULL, MemorySegment.NULL));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Fills the buffer with zero bytes. */
    void zeroBuffer(MemorySegment queue, MemorySegment buffer, long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment zero = a.allocate(JAVA_INT);
            check("clEnqueueFillBuffer", (int) enqueueFillBuffer.invokeExact(queue, buffer, zero, 4L, 0L, bytes, 0,
                    MemorySegment.NULL, MemorySegment.NULL));
            // the pattern is read when the command runs: wait before the arena frees it
            finish(queue);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void finish(MemorySegment queue) {
        try {
            check("clFinish", (int) finish.invokeExact(queue));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- programs and kernels

    MemorySegment createProgram(MemorySegment context, String source) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment text = a.allocateFrom(source, StandardCharsets.UTF_8);
            MemorySegment strings = a.allocate(ADDRESS);
            strings.set(ADDRESS, 0, text);
            MemorySegment status = a.allocate(JAVA_INT);
            return checkHandle("clCreateProgramWithSource", (MemorySegment) createProgramWithSource.invokeExact(context,
                    1, strings, MemorySegment.NULL, status), status);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Builds for {@code device}; a failure's message carries the compiler's log. */
    void buildProgram(MemorySegment program, MemorySegment device, String options) {
        int status;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment devices = a.allocate(ADDRESS);
            devices.set(ADDRESS, 0, device);
            status = (int) buildProgram.invokeExact(program, 1, devices, a.allocateFrom(options), MemorySegment.NULL,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (status != 0) {
            throw new OpenClException("clBuildProgram", status, "build log:\n" + buildLog(program, device));
        }
    }

    String buildLog(MemorySegment program, MemorySegment device) {
        return queryString("clGetProgramBuildInfo", (size, value, sizeRet) ->
                (int) getProgramBuildInfo.invokeExact(program, device, CL_PROGRAM_BUILD_LOG, size, value, sizeRet));
    }

    MemorySegment createKernel(MemorySegment program, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment status = a.allocate(JAVA_INT);
            return checkHandle("clCreateKernel(" + name + ")", (MemorySegment) createKernel.invokeExact(program,
                    a.allocateFrom(name), status), status);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long kernelWorkGroupSize(MemorySegment kernel, MemorySegment device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment value = a.allocate(JAVA_LONG);
            check("clGetKernelWorkGroupInfo", (int) getKernelWorkGroupInfo.invokeExact(kernel, device,
                    CL_KERNEL_WORK_GROUP_SIZE, 8L, value, MemorySegment.NULL));
            return value.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sets argument {@code index} to the {@code value.byteSize()} bytes of {@code value} (copied by the call). */
    void setKernelArg(MemorySegment kernel, int index, MemorySegment value, String kernelName) {
        try {
            int status = (int) setKernelArg.invokeExact(kernel, index, value.byteSize(), value);
            if (status != 0) {
                throw new OpenClException("clSetKernelArg(" + kernelName + ", " + index + ")", status, null);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Enqueues a 1-, 2- or 3-dimensional range; {@code local} may be null (the driver chooses). */
    void enqueueKernel(MemorySegment queue, MemorySegment kernel, long[] global, long[] local, String kernelName) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment g = a.allocateFrom(JAVA_LONG, global);
            MemorySegment l = local == null ? MemorySegment.NULL : a.allocateFrom(JAVA_LONG, local);
            int status = (int) enqueueNDRangeKernel.invokeExact(queue, kernel, global.length, MemorySegment.NULL, g, l,
                    0, MemorySegment.NULL, MemorySegment.NULL);
            if (status != 0) {
                throw new OpenClException("clEnqueueNDRangeKernel(" + kernelName + ")", status, null);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- release; each returns the status so that close() can release the rest before reporting

    int releaseMemObject(MemorySegment mem) {
        return release(releaseMemObject, mem);
    }

    int releaseKernel(MemorySegment kernel) {
        return release(releaseKernel, kernel);
    }

    int releaseProgram(MemorySegment program) {
        return release(releaseProgram, program);
    }

    int releaseCommandQueue(MemorySegment queue) {
        return release(releaseCommandQueue, queue);
    }

    int releaseContext(MemorySegment context) {
        return release(releaseContext, context);
    }

    private static int release(MethodHandle h, MemorySegment handle) {
        try {
            return (int) h.invokeExact(handle);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
