package dev.basalt.kernels.cpu;

import static dev.basalt.kernels.cpu.KernelSpecies.CHUNK;
import static dev.basalt.kernels.cpu.KernelSpecies.FLOAT;
import static dev.basalt.kernels.cpu.KernelSpecies.FLOAT_PARTS;
import static dev.basalt.kernels.cpu.KernelSpecies.LANES;
import static dev.basalt.kernels.cpu.KernelSpecies.widen;

import dev.basalt.tensor.GgmlType;
import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link SuperBlockKernel}'s product with the Vector API. Each 16-element chunk (never straddling a sub-block) is
 * decoded in a register ({@link SuperBlockFormat#quants}), widened to floats, multiplied by its sub-block's integer
 * scale and multiply-added with the Q8_K activation quants: all small integers, so each lane holds an exact part
 * of the super-block's integer sum {@code isum} as long as it stays below 2^24 (|q_w * scale * q_x| summed over a
 * lane's 16..64 products does for every real block; only a pathological block of all-extreme values could round).
 * The lanes are then scaled by {@code d_w * d_x} into a float accumulator; the minimum term is the scalar kernel's
 * exact integer {@link SuperBlockKernel#minSum}.
 */
final class VectorSuperBlockKernel implements RowKernel {
    /** The format this copy was loaded for ({@link SpecializedKernel}); a constant to the JIT. */
    private static final SuperBlockFormat FORMAT = SpecializedKernel.format(MethodHandles.lookup(), SuperBlockFormat.class);

    /**
     * Q4_K and Q5_K: 64-element chunks whose 32 quant bytes hold element l in the low nibble of byte l (sub-block
     * 2c) and element 32 + l in the high one (sub-block 2c + 1). The one-token product decodes each 16 bytes once
     * into int lanes and takes both nibbles from there (x86 has no byte shift), and applies each sub-block's scale
     * once to its lane sums rather than to every weight: the lanes hold the same exact integers either way.
     */
    private static final boolean PAIRED_NIBBLES = FORMAT == SuperBlockFormat.Q4_K || FORMAT == SuperBlockFormat.Q5_K;
    private static final boolean FIVE_BITS = FORMAT == SuperBlockFormat.Q5_K;
    /** Byte offset of the quant nibbles in a Q4_K / Q5_K super-block (Q5_K's 32 high-bit bytes sit at 16). */
    private static final int QS = FIVE_BITS ? 48 : 16;

    private final int blockBytes;
    /** log2 of the sub-block size: chunk e belongs to sub-block {@code e >> subShift}. */
    private final int subShift;
    private final int groupsPerSub;

    /** Only through {@link #of}: the template class itself has no format. */
    VectorSuperBlockKernel() {
        this.blockBytes = FORMAT.type.bytesPerBlock();
        this.subShift = Integer.numberOfTrailingZeros(FORMAT.subBlock);
        this.groupsPerSub = FORMAT.subBlock / 16;
    }

    /** This kernel specialized for {@code format}. */
    static RowKernel of(SuperBlockFormat format) {
        return SpecializedKernel.load(VectorSuperBlockKernel.class, format);
    }

    /**
     * {@link SuperBlockFormat#quants}, switched here rather than there: in this class's copy the switch folds
     * to one case, where a call into the enum's shared method would carry every format's profile and not inline.
     */
    private static ByteVector quants(byte[] s, int off, int e) {
        return switch (FORMAT) {
            case Q2_K -> SuperBlockFormat.q2k(s, off, e);
            case Q3_K -> SuperBlockFormat.q3k(s, off, e);
            case Q4_K -> SuperBlockFormat.q4k(s, off, e);
            case Q5_K -> SuperBlockFormat.q5k(s, off, e);
            case Q6_K -> SuperBlockFormat.q6k(s, off, e);
            case IQ4_XS -> SuperBlockFormat.iq4xs(s, off, e);
        };
    }

    @Override
    public GgmlType weightType() {
        return FORMAT.type;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_K;
    }

    @Override
    public float dot(byte[] weights, int offset, int cols, QuantizedVector x, DotScratch scratch) {
        int[] scales = scratch.scales;
        int[] mins = scratch.mins;
        float[] factors = scratch.factors;
        float[] xv = x.quantValues;
        FloatVector total = FloatVector.zero(FLOAT);
        float minTotal = 0;
        for (int b = 0; b < cols / 256; b++) {
            int at = offset + b * blockBytes;
            FORMAT.unpackScales(weights, at, scales, mins, factors);
            int base = 256 * b;
            FloatVector acc = FloatVector.zero(FLOAT);
            if (PAIRED_NIBBLES) {
                for (int c = 0; c < 4; c++) {
                    FloatVector low = FloatVector.zero(FLOAT);
                    FloatVector high = low;
                    for (int h = 0; h < 32; h += 16) {
                        ByteVector raw = KernelSpecies.bytes(weights, at + QS + 32 * c + h);
                        ByteVector fifth = FIVE_BITS ? KernelSpecies.bytes(weights, at + 16 + h) : null;
                        for (int p = 0; p < FLOAT_PARTS; p++) {
                            IntVector bytes = KernelSpecies.unsignedInts(raw, p);
                            IntVector qLow = bytes.and(0xF);
                            IntVector qHigh = bytes.lanewise(VectorOperators.LSHR, 4);
                            if (FIVE_BITS) {
                                IntVector bits = KernelSpecies.unsignedInts(fifth, p);
                                qLow = qLow.or(bits.lanewise(VectorOperators.LSHR, 2 * c).and(1).lanewise(VectorOperators.LSHL, 4));
                                qHigh = qHigh.or(bits.lanewise(VectorOperators.LSHR, 2 * c + 1).and(1).lanewise(VectorOperators.LSHL, 4));
                            }
                            int i = base + 64 * c + h + p * LANES;
                            low = KernelSpecies.toFloats(qLow).fma(FloatVector.fromArray(FLOAT, xv, i), low);
                            high = KernelSpecies.toFloats(qHigh).fma(FloatVector.fromArray(FLOAT, xv, i + 32), high);
                        }
                    }
                    acc = low.fma(FloatVector.broadcast(FLOAT, scales[2 * c]), acc);
                    acc = high.fma(FloatVector.broadcast(FLOAT, scales[2 * c + 1]), acc);
                }
            } else if (FORMAT == SuperBlockFormat.Q6_K) {
                // 16 bytes of low bits ql[l], ql[l + 32] and of high bits qh[l], decoded once in int lanes, give
                // elements l, l + 32, l + 64 and l + 96 of each half; the high bits are shifted into place
                for (int h = 0; h < 2; h++) {
                    for (int l0 = 0; l0 < 32; l0 += 16) {
                        ByteVector lowBits = KernelSpecies.bytes(weights, at + 64 * h + l0);
                        ByteVector lowBits32 = KernelSpecies.bytes(weights, at + 64 * h + 32 + l0);
                        ByteVector highBits = KernelSpecies.bytes(weights, at + 128 + 32 * h + l0);
                        for (int p = 0; p < FLOAT_PARTS; p++) {
                            IntVector a = KernelSpecies.unsignedInts(lowBits, p);
                            IntVector a32 = KernelSpecies.unsignedInts(lowBits32, p);
                            IntVector hb = KernelSpecies.unsignedInts(highBits, p);
                            int e = 128 * h + l0 + p * LANES;
                            for (int k = 0; k < 4; k++) {
                                IntVector low = ((k & 1) == 0 ? a : a32).lanewise(VectorOperators.LSHR, 4 * (k >> 1)).and(0xF);
                                IntVector q = low.or(hb.lanewise(VectorOperators.LSHR, 2 * k).and(3).lanewise(VectorOperators.LSHL, 4));
                                acc = KernelSpecies.toFloats(q.sub(32)).mul(scales[(e + 32 * k) >> 4])
                                        .fma(FloatVector.fromArray(FLOAT, xv, base + e + 32 * k), acc);
                            }
                        }
                    }
                }
            } else {
                for (int e = 0; e < 256; e += CHUNK) {
                    ByteVector q = quants(weights, at, e);
                    float scale = scales[e >> subShift];
                    for (int p = 0; p < FLOAT_PARTS; p++) {
                        acc = widen(q, p).mul(scale).fma(FloatVector.fromArray(FLOAT, xv, base + e + p * LANES), acc);
                    }
                }
            }
            float dx = x.scales[b];
            total = acc.fma(FloatVector.broadcast(FLOAT, factors[0] * dx), total);
            if (FORMAT.hasMins) {
                minTotal += (factors[1] * dx) * SuperBlockKernel.minSum(x, b, mins, groupsPerSub);
            }
        }
        return KernelSpecies.sumLanes(total, scratch.lanes) - minTotal;
    }

    /** {@link #dot}'s operations, in the same order per token, with each chunk decoded once for four tokens. */
    @Override
    public void dotTile(byte[] weights, int offset, int cols, QuantizedVector x0, QuantizedVector x1,
            QuantizedVector x2, QuantizedVector x3, float[] out, DotScratch scratch) {
        int[] scales = scratch.scales;
        int[] mins = scratch.mins;
        float[] factors = scratch.factors;
        float[] v0 = x0.quantValues;
        float[] v1 = x1.quantValues;
        float[] v2 = x2.quantValues;
        float[] v3 = x3.quantValues;
        FloatVector t0 = FloatVector.zero(FLOAT);
        FloatVector t1 = t0;
        FloatVector t2 = t0;
        FloatVector t3 = t0;
        float m0 = 0, m1 = 0, m2 = 0, m3 = 0;
        for (int b = 0; b < cols / 256; b++) {
            int at = offset + b * blockBytes;
            FORMAT.unpackScales(weights, at, scales, mins, factors);
            int base = 256 * b;
            FloatVector a0 = FloatVector.zero(FLOAT);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int e = 0; e < 256; e += CHUNK) {
                ByteVector q = quants(weights, at, e);
                float scale = scales[e >> subShift];
                for (int p = 0; p < FLOAT_PARTS; p++) {
                    FloatVector w = widen(q, p).mul(scale);
                    int i = base + e + p * LANES;
                    a0 = w.fma(FloatVector.fromArray(FLOAT, v0, i), a0);
                    a1 = w.fma(FloatVector.fromArray(FLOAT, v1, i), a1);
                    a2 = w.fma(FloatVector.fromArray(FLOAT, v2, i), a2);
                    a3 = w.fma(FloatVector.fromArray(FLOAT, v3, i), a3);
                }
            }
            float d = factors[0];
            t0 = a0.fma(FloatVector.broadcast(FLOAT, d * x0.scales[b]), t0);
            t1 = a1.fma(FloatVector.broadcast(FLOAT, d * x1.scales[b]), t1);
            t2 = a2.fma(FloatVector.broadcast(FLOAT, d * x2.scales[b]), t2);
            t3 = a3.fma(FloatVector.broadcast(FLOAT, d * x3.scales[b]), t3);
            if (FORMAT.hasMins) {
                float dmin = factors[1];
                m0 += (dmin * x0.scales[b]) * SuperBlockKernel.minSum(x0, b, mins, groupsPerSub);
                m1 += (dmin * x1.scales[b]) * SuperBlockKernel.minSum(x1, b, mins, groupsPerSub);
                m2 += (dmin * x2.scales[b]) * SuperBlockKernel.minSum(x2, b, mins, groupsPerSub);
                m3 += (dmin * x3.scales[b]) * SuperBlockKernel.minSum(x3, b, mins, groupsPerSub);
            }
        }
        out[0] = KernelSpecies.sumLanes(t0, scratch.lanes) - m0;
        out[1] = KernelSpecies.sumLanes(t1, scratch.lanes) - m1;
        out[2] = KernelSpecies.sumLanes(t2, scratch.lanes) - m2;
        out[3] = KernelSpecies.sumLanes(t3, scratch.lanes) - m3;
    }
}
