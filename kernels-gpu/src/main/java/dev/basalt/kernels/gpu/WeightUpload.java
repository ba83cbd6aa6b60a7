package dev.basalt.kernels.gpu;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * Copies a weight matrix to the device once, at load. The formats with kernels (F32, F16, Q8_0, Q4_0, Q4_K) go
 * up byte for byte, straight from the file mapping; any other format is dequantized by its reference codec and
 * stored as F16 (within 2^-11 of the file's values, half the size of F32), which the caller reports.
 */
final class WeightUpload {
    /** The formats whose rows the kernels read as they are stored. */
    static final Set<GgmlType> KERNEL_FORMATS = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0,
            GgmlType.Q4_K);
    /** Values converted per step, so that a large matrix never needs a second host copy of itself. */
    private static final int CONVERT_CHUNK = 1 << 20;

    private WeightUpload() {
    }

    /** The format the device holds for weights stored as {@code type}. */
    static GgmlType deviceType(GgmlType type) {
        return KERNEL_FORMATS.contains(type) ? type : GgmlType.F16;
    }

    static OpenClWeightMatrix upload(OpenClContext context, Tensor weight) {
        if (weight.rank() < 1 || weight.rank() > 2 || weight.dim(0) > Integer.MAX_VALUE || weight.dim(1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor '" + weight.name() + "' is not a matrix the OpenCL backend can hold: " + weight);
        }
        int cols = (int) weight.dim(0);
        int rows = (int) weight.dim(1);
        GgmlType type = weight.type();
        GgmlType deviceType = deviceType(type);
        long bytes = Tensor.byteSize(deviceType, cols, rows);
        DeviceBuffer buffer = context.buffer(bytes, false);
        try {
            if (deviceType == type) {
                context.write(weight.data().asSlice(0, bytes), buffer, 0);
            } else {
                convert(context, weight, deviceType, buffer);
            }
        } catch (RuntimeException e) {
            buffer.release();
            throw e;
        }
        return new OpenClWeightMatrix(weight.name(), type, deviceType, buffer, cols, rows);
    }

    /** Whole rows at a time: dequantize with the file format's codec, encode as {@code target}, upload. */
    private static void convert(OpenClContext context, Tensor weight, GgmlType target, DeviceBuffer buffer) {
        int cols = (int) weight.dim(0);
        long rows = weight.dim(1);
        int rowsPerChunk = Math.max(1, CONVERT_CHUNK / cols);
        float[] values = new float[rowsPerChunk * cols];
        long targetRowBytes = Tensor.byteSize(target, cols);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(targetRowBytes * rowsPerChunk);
            for (long r = 0; r < rows; r += rowsPerChunk) {
                int n = (int) Math.min(rowsPerChunk, rows - r) * cols;
                weight.type().codec().dequantize(weight.data(), r * weight.rowBytes(), values, 0, n);
                target.codec().quantize(values, 0, n, staging, 0);
                context.write(staging.asSlice(0, target.byteSize(n)), buffer, r * targetRowBytes);
            }
        }
    }
}
