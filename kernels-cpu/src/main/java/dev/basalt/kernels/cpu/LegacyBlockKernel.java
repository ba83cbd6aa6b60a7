package dev.basalt.kernels.cpu;

import dev.basalt.tensor.GgmlType;

/**
 * Weights in 32-element blocks (Q4_0, Q5_0, Q8_0, IQ4_NL against Q8_0 activations; Q4_1, Q5_1 against Q8_1) as
 * ggml's generic {@code vec_dot_*_q8_0/q8_1} define the product: per block an exact integer sum
 * {@code sumi = sum_j q_w[j] * q_x[j]}, then {@code sumf += sumi * (d_w * d_x)}, plus {@code m_w * s_x} for the
 * formats with a minimum (s_x = d_x * sum of the activation quants, so this adds {@code m_w * sum_j x[j]}).
 */
final class LegacyBlockKernel implements RowKernel {
    private final LegacyBlockFormat format;

    LegacyBlockKernel(LegacyBlockFormat format) {
        this.format = format;
    }

    @Override
    public GgmlType weightType() {
        return format.type;
    }

    @Override
    public ActivationFormat activationFormat() {
        return format.hasMin ? ActivationFormat.Q8_1 : ActivationFormat.Q8_0;
    }

    @Override
    public float dot(byte[] weights, int offset, int cols, QuantizedVector x, DotScratch scratch) {
        byte[] q = scratch.quants;
        float[] factors = scratch.factors;
        byte[] xq = x.quants;
        int bytes = format.type.bytesPerBlock();
        float sumf = 0;
        for (int b = 0; b < cols / 32; b++) {
            float d = format.unpack(weights, offset + b * bytes, q, factors);
            int base = 32 * b;
            int sumi = 0;
            for (int j = 0; j < 32; j++) {
                sumi += q[j] * xq[base + j];
            }
            if (format.hasMin) {
                sumf += (d * x.scales[b]) * sumi + factors[1] * x.sums[b];
            } else {
                sumf += sumi * (d * x.scales[b]);
            }
        }
        return sumf;
    }
}
