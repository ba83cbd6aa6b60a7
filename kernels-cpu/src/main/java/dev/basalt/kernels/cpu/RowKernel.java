package dev.basalt.kernels.cpu;

import dev.basalt.tensor.GgmlType;

/**
 * The dot product of one weight row, in a {@code byte[]} the caller copied it into from the file mapping
 * ({@link MatmulTask} says why), with one activation row already converted to {@link #activationFormat()}. One implementation per family of formats: plain floats
 * ({@link FloatRowKernel}), 32-element blocks with one scale ({@link LegacyBlockKernel}), 256-element
 * super-blocks with sub-block scales ({@link SuperBlockKernel}), and a dequantize-then-float fallback
 * ({@link DequantizingRowKernel}) for formats without an integer kernel yet. The first three have Vector API
 * versions ({@link VectorFloatKernel}, {@link VectorLegacyBlockKernel}, {@link VectorSuperBlockKernel}) that
 * compute the same integer block sums; only the float summation order differs.
 */
interface RowKernel {

    GgmlType weightType();

    ActivationFormat activationFormat();

    /**
     * {@code sum_i w[row][i] * x[i]} over {@code cols} values, the row starting at byte {@code offset} of
     * {@code weights}.
     */
    float dot(byte[] weights, int offset, int cols, QuantizedVector x, DotScratch scratch);

    /** Tokens per tile of a matrix-matrix product: each weight block is decoded once for this many tokens. */
    int TILE = 4;

    /**
     * {@link #dot} of one row with {@link #TILE} activation rows, into {@code out[0..TILE)}. A SIMD kernel decodes
     * each weight block once for all four; every result has the same bits as {@link #dot} would give.
     */
    default void dotTile(byte[] weights, int offset, int cols, QuantizedVector x0, QuantizedVector x1,
            QuantizedVector x2, QuantizedVector x3, float[] out, DotScratch scratch) {
        out[0] = dot(weights, offset, cols, x0, scratch);
        out[1] = dot(weights, offset, cols, x1, scratch);
        out[2] = dot(weights, offset, cols, x2, scratch);
        out[3] = dot(weights, offset, cols, x3, scratch);
    }

    /** The kernel for weights of {@code type}: a SIMD one where there is one and the Vector API is usable. */
    static RowKernel forType(GgmlType type) {
        if (VectorMath.VECTORIZED) {
            switch (type) {
                case F32, F16 -> {
                    return new VectorFloatKernel(type);
                }
                case Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL -> {
                    return VectorLegacyBlockKernel.of(LegacyBlockFormat.of(type));
                }
                case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS -> {
                    return VectorSuperBlockKernel.of(SuperBlockFormat.of(type));
                }
                default -> {
                }
            }
        }
        return scalarForType(type);
    }

    /** The scalar kernel for weights of {@code type}: the plain statement of each product, and the fallback. */
    static RowKernel scalarForType(GgmlType type) {
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
