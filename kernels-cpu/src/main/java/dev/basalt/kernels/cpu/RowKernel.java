package dev.basalt.kernels.cpu;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * The dot product of one weight row, read in place from the file mapping, with one activation row already
 * converted to {@link #activationFormat()}. One implementation per family of formats: plain floats
 * ({@link FloatRowKernel}), 32-element blocks with one scale ({@link LegacyBlockKernel}), 256-element
 * super-blocks with sub-block scales ({@link SuperBlockKernel}), and a dequantize-then-float fallback
 * ({@link DequantizingRowKernel}) for formats without an integer kernel yet.
 */
interface RowKernel {

    GgmlType weightType();

    ActivationFormat activationFormat();

    /**
     * {@code sum_i w[row][i] * x[i]} over {@code cols} values, the row starting at byte {@code offset} of
     * {@code weights}.
     */
    float dot(MemorySegment weights, long offset, int cols, QuantizedVector x, DotScratch scratch);

    /** The kernel for weights of {@code type}. */
    static RowKernel forType(GgmlType type) {
        return switch (type) {
            case F32, F16 -> new FloatRowKernel(type);
            case Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL -> new LegacyBlockKernel(LegacyBlockFormat.of(type));
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS -> new SuperBlockKernel(SuperBlockFormat.of(type));
            case I8, I16, I32, I64, F64 ->
                    throw new UnsupportedOperationException("no matrix product for element type " + type);
            default -> new DequantizingRowKernel(type);
        };
    }
}
