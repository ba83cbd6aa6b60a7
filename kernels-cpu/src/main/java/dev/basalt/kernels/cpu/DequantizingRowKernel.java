package dev.basalt.kernels.cpu;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.codec.BlockCodec;

/**
 * The fallback for formats without an integer dot kernel yet (BF16, the IQ1/IQ2/IQ3 lattices, TQ1_0/TQ2_0, MXFP4,
 * NVFP4, Q1_0, Q2_0, Q8_1, Q8_K): the weight row is dequantized with the format's reference codec and multiplied
 * with float32 activations. Correct, slower, and not llama.cpp's numerics to the last bit (ggml quantizes the
 * activations for these formats too).
 */
final class DequantizingRowKernel implements RowKernel {
    private final GgmlType type;
    private final BlockCodec codec;

    DequantizingRowKernel(GgmlType type) {
        this.type = type;
        this.codec = type.codec();
    }

    @Override
    public GgmlType weightType() {
        return type;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.F32;
    }

    @Override
    public float dot(byte[] weights, int offset, int cols, QuantizedVector x, DotScratch scratch) {
        float[] row = scratch.row(cols);
        codec.dequantize(scratch.segmentOf(weights), offset, row, 0, cols);
        return VectorMath.dot(row, 0, x.values, 0, cols);
    }
}
