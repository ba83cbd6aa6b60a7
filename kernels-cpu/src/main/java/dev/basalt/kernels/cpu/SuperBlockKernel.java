package dev.basalt.kernels.cpu;

import dev.basalt.tensor.GgmlType;

/**
 * K-quant and IQ4_XS weights against Q8_K activations, as ggml's generic {@code vec_dot_*_q8_K} define it: per
 * super-block the exact integer sum {@code isum = sum_s scale[s] * sum_{j in s} q_w[j] * q_x[j]}, and for formats
 * with minimums {@code msum = sum_g bsums_x[g] * min[sub-block of g]} over the activation's 16-element group sums;
 * then {@code sumf += (d_w * d_x) * isum - (dmin_w * d_x) * msum}.
 */
final class SuperBlockKernel implements RowKernel {
    private final SuperBlockFormat format;

    SuperBlockKernel(SuperBlockFormat format) {
        this.format = format;
    }

    @Override
    public GgmlType weightType() {
        return format.type;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_K;
    }

    @Override
    public float dot(byte[] weights, int offset, int cols, QuantizedVector x, DotScratch scratch) {
        byte[] q = scratch.quants;
        int[] scales = scratch.scales;
        int[] mins = scratch.mins;
        float[] factors = scratch.factors;
        byte[] xq = x.quants;
        int bytes = format.type.bytesPerBlock();
        int sub = format.subBlock;
        int groupsPerSub = sub / 16;
        float sumf = 0;
        for (int b = 0; b < cols / 256; b++) {
            format.unpack(weights, offset + b * bytes, q, scales, mins, factors);
            int base = 256 * b;
            int isum = 0;
            for (int s = 0; s < 256 / sub; s++) {
                int partial = 0;
                int from = s * sub;
                for (int j = from; j < from + sub; j++) {
                    partial += q[j] * xq[base + j];
                }
                isum += scales[s] * partial;
            }
            float dx = x.scales[b];
            sumf += (factors[0] * dx) * isum;
            if (format.hasMins) {
                sumf -= (factors[1] * dx) * minSum(x, b, mins, groupsPerSub);
            }
        }
        return sumf;
    }

    /**
     * {@code sum_g bsums_x[g] * min[sub-block of g]} over the 16 groups of super-block {@code b}: exact. With
     * 32-element sub-blocks, from the activation's sums of group pairs: half the multiplications.
     */
    static int minSum(QuantizedVector x, int b, int[] mins, int groupsPerSub) {
        int msum = 0;
        if (groupsPerSub == 2) {
            for (int s = 0; s < 8; s++) {
                msum += x.pairSums[8 * b + s] * mins[s];
            }
            return msum;
        }
        for (int g = 0; g < 16; g++) {
            msum += x.groupSums[16 * b + g] * mins[g / groupsPerSub];
        }
        return msum;
    }
}
