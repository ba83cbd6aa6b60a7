package dev.basalt.kernels.cpu;

import static dev.basalt.kernels.cpu.KernelSpecies.CHUNK;
import static dev.basalt.kernels.cpu.KernelSpecies.FLOAT;
import static dev.basalt.kernels.cpu.KernelSpecies.FLOAT_PARTS;
import static dev.basalt.kernels.cpu.KernelSpecies.LANES;
import static dev.basalt.kernels.cpu.KernelSpecies.widen;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.codec.LittleEndian;
import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

/**
 * {@link LegacyBlockKernel}'s product with the Vector API: each 16-element chunk of a block is decoded to small
 * integers in a register ({@link LegacyBlockFormat#quants}), widened to floats and multiplied with the activation
 * quants (also floats): every product and every partial sum of a block is an integer below 2^24, so the lanes hold
 * the exact integer block sum, split over the lanes. Each block's lanes are then scaled by {@code d_w * d_x} into
 * a float accumulator, as ggml's AVX2 {@code vec_dot_q8_0_q8_0} does with its 8 int32 lanes.
 *
 * <p>Float multiply-adds rather than integer lanes: the Vector API has no byte multiply-add into int32 (ggml's
 * vpmaddubsw / vpdpbusd); emulating one costs two widenings and a widening add per 16 products, where the float
 * path needs one widening (the activations are widened once per token).
 */
final class VectorLegacyBlockKernel implements RowKernel {
    /** The format this copy was loaded for ({@link SpecializedKernel}); a constant to the JIT. */
    private static final LegacyBlockFormat FORMAT = SpecializedKernel.format(MethodHandles.lookup(), LegacyBlockFormat.class);

    private final int blockBytes;

    /** Only through {@link #of}: the template class itself has no format. */
    VectorLegacyBlockKernel() {
        this.blockBytes = FORMAT.type.bytesPerBlock();
    }

    /** This kernel specialized for {@code format}. */
    static RowKernel of(LegacyBlockFormat format) {
        return SpecializedKernel.load(VectorLegacyBlockKernel.class, format);
    }

    /**
     * {@link LegacyBlockFormat#quants}, switched here rather than there: in this class's copy the switch folds
     * to one case, where a call into the enum's shared method would carry every format's profile and not inline.
     */
    private static ByteVector quants(byte[] s, int off, int e) {
        return switch (FORMAT) {
            case Q4_0 -> LegacyBlockFormat.q4_0(s, off, e);
            case Q4_1 -> LegacyBlockFormat.q4_1(s, off, e);
            case Q5_0 -> LegacyBlockFormat.q5_0(s, off, e);
            case Q5_1 -> LegacyBlockFormat.q5_1(s, off, e);
            case Q8_0 -> LegacyBlockFormat.q8_0(s, off, e);
            case IQ4_NL -> LegacyBlockFormat.iq4nl(s, off, e);
        };
    }

    @Override
    public GgmlType weightType() {
        return FORMAT.type;
    }

    @Override
    public ActivationFormat activationFormat() {
        return FORMAT.hasMin ? ActivationFormat.Q8_1 : ActivationFormat.Q8_0;
    }

    @Override
    public float dot(byte[] weights, int offset, int cols, QuantizedVector x, DotScratch scratch) {
        float[] xv = x.quantValues;
        FloatVector total = FloatVector.zero(FLOAT);
        float minTotal = 0;
        for (int b = 0; b < cols / 32; b++) {
            int at = offset + b * blockBytes;
            int base = 32 * b;
            FloatVector acc = FloatVector.zero(FLOAT);
            for (int e = 0; e < 32; e += CHUNK) {
                ByteVector q = quants(weights, at, e);
                for (int p = 0; p < FLOAT_PARTS; p++) {
                    acc = widen(q, p).fma(FloatVector.fromArray(FLOAT, xv, base + e + p * LANES), acc);
                }
            }
            float d = LittleEndian.f16(weights, at);
            total = acc.fma(FloatVector.broadcast(FLOAT, d * x.scales[b]), total);
            if (FORMAT.hasMin) {
                minTotal += LittleEndian.f16(weights, at + 2) * x.sums[b];
            }
        }
        return KernelSpecies.sumLanes(total) + minTotal;
    }

    /** {@link #dot}'s operations, in the same order per token, with each chunk decoded once for four tokens. */
    @Override
    public void dotTile(byte[] weights, int offset, int cols, QuantizedVector x0, QuantizedVector x1,
            QuantizedVector x2, QuantizedVector x3, float[] out, DotScratch scratch) {
        float[] v0 = x0.quantValues;
        float[] v1 = x1.quantValues;
        float[] v2 = x2.quantValues;
        float[] v3 = x3.quantValues;
        FloatVector t0 = FloatVector.zero(FLOAT);
        FloatVector t1 = t0;
        FloatVector t2 = t0;
        FloatVector t3 = t0;
        float m0 = 0, m1 = 0, m2 = 0, m3 = 0;
        for (int b = 0; b < cols / 32; b++) {
            int at = offset + b * blockBytes;
            int base = 32 * b;
            FloatVector a0 = FloatVector.zero(FLOAT);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int e = 0; e < 32; e += CHUNK) {
                ByteVector q = quants(weights, at, e);
                for (int p = 0; p < FLOAT_PARTS; p++) {
                    FloatVector w = widen(q, p);
                    int i = base + e + p * LANES;
                    a0 = w.fma(FloatVector.fromArray(FLOAT, v0, i), a0);
                    a1 = w.fma(FloatVector.fromArray(FLOAT, v1, i), a1);
                    a2 = w.fma(FloatVector.fromArray(FLOAT, v2, i), a2);
                    a3 = w.fma(FloatVector.fromArray(FLOAT, v3, i), a3);
                }
            }
            float d = LittleEndian.f16(weights, at);
            t0 = a0.fma(FloatVector.broadcast(FLOAT, d * x0.scales[b]), t0);
            t1 = a1.fma(FloatVector.broadcast(FLOAT, d * x1.scales[b]), t1);
            t2 = a2.fma(FloatVector.broadcast(FLOAT, d * x2.scales[b]), t2);
            t3 = a3.fma(FloatVector.broadcast(FLOAT, d * x3.scales[b]), t3);
            if (FORMAT.hasMin) {
                float m = LittleEndian.f16(weights, at + 2);
                m0 += m * x0.sums[b];
                m1 += m * x1.sums[b];
                m2 += m * x2.sums[b];
                m3 += m * x3.sums[b];
            }
        }
        out[0] = KernelSpecies.sumLanes(t0) + m0;
        out[1] = KernelSpecies.sumLanes(t1) + m1;
        out[2] = KernelSpecies.sumLanes(t2) + m2;
        out[3] = KernelSpecies.sumLanes(t3) + m3;
    }
}
