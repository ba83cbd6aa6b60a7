package dev.basalt.kernels.cpu;

import static dev.basalt.kernels.cpu.KernelSpecies.FLOAT;
import static dev.basalt.kernels.cpu.KernelSpecies.LANES;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.codec.LittleEndian;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link FloatRowKernel}'s products with the Vector API: F32 weights loaded as float lanes, F16 weights widened
 * to float in registers ({@link #halves}: the Vector API has no half-precision conversion, so the bits are
 * rebuilt with integer operations, exactly). The activations are the F16-rounded values for F16 weights, so each
 * product is exact in float32 as in ggml's {@code vec_dot_f16}; only the summation order differs.
 */
final class VectorFloatKernel implements RowKernel {
    private final GgmlType type;
    private final int elementBytes;

    VectorFloatKernel(GgmlType type) {
        if (type != GgmlType.F32 && type != GgmlType.F16) {
            throw new IllegalArgumentException("not a float format: " + type);
        }
        this.type = type;
        this.elementBytes = type == GgmlType.F32 ? 4 : 2;
    }

    @Override
    public GgmlType weightType() {
        return type;
    }

    @Override
    public ActivationFormat activationFormat() {
        return type == GgmlType.F32 ? ActivationFormat.F32 : ActivationFormat.F16;
    }

    /** Weights {@code i .. i + LANES} of the row at {@code offset} as floats. */
    private FloatVector weights(byte[] s, int offset, int i) {
        int at = offset + elementBytes * i;
        return type == GgmlType.F32 ? KernelSpecies.floats(s, at) : halves(s, at);
    }

    private float weight(byte[] s, int offset, int i) {
        int at = offset + elementBytes * i;
        return type == GgmlType.F32 ? LittleEndian.f32(s, at) : LittleEndian.f16(s, at);
    }

    /**
     * {@link KernelSpecies#LANES} IEEE halves at {@code at}, converted exactly: a normal half's exponent is
     * re-biased (+112) by adding to the shifted bits, a subnormal one (mantissa m) is {@code m * 2^-24} computed
     * from the integer m (never a float subnormal, which would cost a microcode assist), infinities stay, NaNs keep
     * their payload and become quiet.
     */
    static FloatVector halves(byte[] s, int at) {
        IntVector h = (IntVector) KernelSpecies.shorts(s, at).convertShape(VectorOperators.S2I, KernelSpecies.INT, 0);
        IntVector magnitude = h.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector bits = shifted.add(0x38000000);
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00);
        bits = bits.blend(shifted.or(0x7F800000), special);
        VectorMask<Integer> nan = magnitude.compare(VectorOperators.GT, 0x7C00);
        bits = bits.lanewise(VectorOperators.OR, 0x00400000, nan); // quieted, as Float.float16ToFloat and vcvtph2ps do
        VectorMask<Integer> subnormal = magnitude.compare(VectorOperators.LT, 0x0400);
        IntVector subnormalBits = ((FloatVector) magnitude.convert(VectorOperators.I2F, 0)).mul(0x1p-24f)
                .reinterpretAsInts();
        bits = bits.blend(subnormalBits, subnormal);
        return bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    @Override
    public float dot(byte[] weights, int offset, int cols, QuantizedVector x, DotScratch scratch) {
        float[] xs = x.values;
        FloatVector acc = FloatVector.zero(FLOAT);
        int bound = FLOAT.loopBound(cols);
        for (int i = 0; i < bound; i += LANES) {
            acc = weights(weights, offset, i).fma(FloatVector.fromArray(FLOAT, xs, i), acc);
        }
        float s = KernelSpecies.sumLanes(acc, scratch.lanes);
        for (int i = bound; i < cols; i++) {
            s += weight(weights, offset, i) * xs[i];
        }
        return s;
    }

    /** {@link #dot}'s operations, in the same order per token, each weight vector loaded once for four tokens. */
    @Override
    public void dotTile(byte[] weights, int offset, int cols, QuantizedVector x0, QuantizedVector x1,
            QuantizedVector x2, QuantizedVector x3, float[] out, DotScratch scratch) {
        float[] v0 = x0.values;
        float[] v1 = x1.values;
        float[] v2 = x2.values;
        float[] v3 = x3.values;
        FloatVector a0 = FloatVector.zero(FLOAT);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int bound = FLOAT.loopBound(cols);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector w = weights(weights, offset, i);
            a0 = w.fma(FloatVector.fromArray(FLOAT, v0, i), a0);
            a1 = w.fma(FloatVector.fromArray(FLOAT, v1, i), a1);
            a2 = w.fma(FloatVector.fromArray(FLOAT, v2, i), a2);
            a3 = w.fma(FloatVector.fromArray(FLOAT, v3, i), a3);
        }
        float s0 = KernelSpecies.sumLanes(a0, scratch.lanes);
        float s1 = KernelSpecies.sumLanes(a1, scratch.lanes);
        float s2 = KernelSpecies.sumLanes(a2, scratch.lanes);
        float s3 = KernelSpecies.sumLanes(a3, scratch.lanes);
        for (int i = bound; i < cols; i++) {
            float w = weight(weights, offset, i);
            s0 += w * v0[i];
            s1 += w * v1[i];
            s2 += w * v2[i];
            s3 += w * v3[i];
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
    }
}
