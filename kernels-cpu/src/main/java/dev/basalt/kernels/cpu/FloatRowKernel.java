package dev.basalt.kernels.cpu;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.codec.LittleEndian;

/**
 * F32 weights times F32 activations, and F16 weights times activations rounded to F16 (ggml's
 * {@code vec_dot_f16}); the products of two halves are exact in float32, the sum is accumulated in float32.
 */
final class FloatRowKernel implements RowKernel {
    private final GgmlType type;

    FloatRowKernel(GgmlType type) {
        if (type != GgmlType.F32 && type != GgmlType.F16) {
            throw new IllegalArgumentException("not a float format: " + type);
        }
        this.type = type;
    }

    @Override
    public GgmlType weightType() {
        return type;
    }

    @Override
    public ActivationFormat activationFormat() {
        return type == GgmlType.F32 ? ActivationFormat.F32 : ActivationFormat.F16;
    }

    @Override
    public float dot(byte[] weights, int offset, int cols, QuantizedVector x, DotScratch scratch) {
        float[] xs = x.values;
        if (type == GgmlType.F32) {
            float s = 0;
            for (int i = 0; i < cols; i++) {
                s += LittleEndian.f32(weights, offset + 4 * i) * xs[i];
            }
            return s;
        }
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= cols; i += 4) {
            int at = offset + 2 * i;
            s0 += LittleEndian.f16(weights, at) * xs[i];
            s1 += LittleEndian.f16(weights, at + 2) * xs[i + 1];
            s2 += LittleEndian.f16(weights, at + 4) * xs[i + 2];
            s3 += LittleEndian.f16(weights, at + 6) * xs[i + 3];
        }
        for (; i < cols; i++) {
            s0 += LittleEndian.f16(weights, offset + 2 * i) * xs[i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
