package dev.basalt.kernels.cpu;

import static dev.basalt.kernels.cpu.KernelSpecies.CHUNK;
import static dev.basalt.kernels.cpu.KernelSpecies.FLOAT;
import static dev.basalt.kernels.cpu.KernelSpecies.FLOAT_PARTS;
import static dev.basalt.kernels.cpu.KernelSpecies.INT;
import static dev.basalt.kernels.cpu.KernelSpecies.LANES;
import static dev.basalt.kernels.cpu.KernelSpecies.widen;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.codec.LittleEndian;
import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link LegacyBlockKernel}'s product with the Vector API: the weight quants are decoded to small integers in
 * registers, converted to floats and multiplied with the activation quants (also floats): every product and every
 * partial sum of a block is an integer below 2^24, so the lanes hold the exact integer block sum, split over the
 * lanes. Each block's lanes are then scaled by {@code d_w * d_x} into a float accumulator, as ggml's AVX2
 * {@code vec_dot_q8_0_q8_0} does with its 8 int32 lanes.
 *
 * <p>Float multiply-adds rather than integer lanes: the Vector API has no byte multiply-add into int32 (ggml's
 * vpmaddubsw / vpdpbusd); emulating one costs two widenings and a widening add per 16 products, where the float
 * path needs one widening (the activations are widened once per token).
 *
 * <p>In the one-token product the 4- and 5-bit formats (Q4_0, Q4_1, Q5_0, Q5_1) have their own decode, because
 * it is where the time goes (512-bit vector operations share two ports): each block's 16 quant bytes are
 * zero-extended to int lanes once and both nibbles taken from there, instead of splitting the nibbles as bytes
 * (x86 has no byte shift) and widening each half. Q8_0 and IQ4_NL, and all formats in the four-token product,
 * decode 16 elements at a time to bytes ({@link LegacyBlockFormat#quants}).
 */
final class VectorLegacyBlockKernel implements RowKernel {
    /** The format this copy was loaded for ({@link SpecializedKernel}); a constant to the JIT. */
    private static final LegacyBlockFormat FORMAT = SpecializedKernel.format(MethodHandles.lookup(), LegacyBlockFormat.class);
    /** Whether the block holds packed nibbles: element j in byte j's low nibble, element j + 16 in its high one. */
    private static final boolean NIBBLES = FORMAT == LegacyBlockFormat.Q4_0 || FORMAT == LegacyBlockFormat.Q4_1
            || FORMAT == LegacyBlockFormat.Q5_0 || FORMAT == LegacyBlockFormat.Q5_1;
    /** Whether element j has a fifth bit, bit j of the block's little-endian u32 {@code qh}. */
    private static final boolean FIFTH_BIT = FORMAT == LegacyBlockFormat.Q5_0 || FORMAT == LegacyBlockFormat.Q5_1;
    // (the template class itself is initialized too, with a null FORMAT: these tests must not switch on it)
    /** Byte offset of the packed nibbles in the block. */
    private static final int QS = FORMAT == LegacyBlockFormat.Q4_0 ? 2
            : FORMAT == LegacyBlockFormat.Q4_1 ? 4 : FORMAT == LegacyBlockFormat.Q5_0 ? 6 : 8;
    /** Byte offset of {@code qh}. */
    private static final int QH = FORMAT == LegacyBlockFormat.Q5_1 ? 4 : 2;
    /** What the format subtracts from every decoded quant (0 for the formats with a minimum instead). */
    private static final int OFFSET = FORMAT == LegacyBlockFormat.Q4_0 ? 8 : FORMAT == LegacyBlockFormat.Q5_0 ? 16 : 0;

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

    /**
     * Elements {@code 16 * high + p * LANES ..} of a nibble block as floats, without the format's offset: part
     * {@code p} of the block's quant bytes {@code bytes} (zero-extended), low or high nibbles, plus the fifth bits.
     */
    private static FloatVector nibbles(IntVector bytes, int high, int qh, int p) {
        IntVector q = high == 0 ? bytes.and(0xF) : bytes.lanewise(VectorOperators.LSHR, 4);
        if (FIFTH_BIT) {
            VectorMask<Integer> set = VectorMask.fromLong(INT, (qh >>> (16 * high + p * LANES)) & ((1L << LANES) - 1));
            q = q.add(16, set);
        }
        if (OFFSET != 0) {
            q = q.sub(OFFSET);
        }
        return KernelSpecies.toFloats(q);
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
        float extra = 0;
        for (int b = 0; b < cols / 32; b++) {
            int at = offset + b * blockBytes;
            int base = 32 * b;
            FloatVector acc = FloatVector.zero(FLOAT);
            if (NIBBLES) {
                ByteVector raw = KernelSpecies.bytes(weights, at + QS);
                int qh = FIFTH_BIT ? LittleEndian.i32(weights, at + QH) : 0;
                for (int p = 0; p < FLOAT_PARTS; p++) {
                    IntVector bytes = KernelSpecies.unsignedInts(raw, p);
                    acc = nibbles(bytes, 0, qh, p).fma(FloatVector.fromArray(FLOAT, xv, base + p * LANES), acc);
                    acc = nibbles(bytes, 1, qh, p).fma(FloatVector.fromArray(FLOAT, xv, base + 16 + p * LANES), acc);
                }
            } else {
                for (int e = 0; e < 32; e += CHUNK) {
                    ByteVector q = quants(weights, at, e);
                    for (int p = 0; p < FLOAT_PARTS; p++) {
                        acc = widen(q, p).fma(FloatVector.fromArray(FLOAT, xv, base + e + p * LANES), acc);
                    }
                }
            }
            float scale = LittleEndian.f16(weights, at) * x.scales[b];
            total = acc.fma(FloatVector.broadcast(FLOAT, scale), total);
            if (FORMAT.hasMin) {
                extra += LittleEndian.f16(weights, at + 2) * x.sums[b];
            }
        }
        return KernelSpecies.sumLanes(total, scratch.lanes) + extra;
    }

    /**
     * {@link #dot}'s products, with each block decoded once for four tokens. The nibble formats are decoded
     * differently here (to bytes, 16 elements at a time, which measures faster when a decoded chunk feeds four
     * tokens), but every lane receives the same exact integer products in the same order, so each result has
     * {@link #dot}'s bits.
     */
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
        out[0] = KernelSpecies.sumLanes(t0, scratch.lanes) + m0;
        out[1] = KernelSpecies.sumLanes(t1, scratch.lanes) + m1;
        out[2] = KernelSpecies.sumLanes(t2, scratch.lanes) + m2;
        out[3] = KernelSpecies.sumLanes(t3, scratch.lanes) + m3;
    }
}
