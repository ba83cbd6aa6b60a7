package dev.basalt.kernels.cpu;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.codec.LittleEndian;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;

/**
 * How a 32-element block with one fp16 scale {@code d} (and for Q4_1/Q5_1 an fp16 minimum {@code m}) turns into
 * 32 small integers q such that the element is {@code d * q} (or {@code d * q + m}); IQ4_NL's q is its
 * non-linear table value. Byte layouts as in ggml-common.h (see tensor's codecs).
 */
enum LegacyBlockFormat {
    Q4_0(GgmlType.Q4_0, false),
    Q4_1(GgmlType.Q4_1, true),
    Q5_0(GgmlType.Q5_0, false),
    Q5_1(GgmlType.Q5_1, true),
    Q8_0(GgmlType.Q8_0, false),
    IQ4_NL(GgmlType.IQ4_NL, false);

    /** IQ4_NL's non-linear quant values (ggml's kvalues_iq4nl), shared with IQ4_XS. */
    static final byte[] IQ4_VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    final GgmlType type;
    /** Whether the block has a minimum: it then pairs with Q8_1 activations, whose block sums fold it in. */
    final boolean hasMin;

    LegacyBlockFormat(GgmlType type, boolean hasMin) {
        this.type = type;
        this.hasMin = hasMin;
    }

    static LegacyBlockFormat of(GgmlType type) {
        return valueOf(type.name());
    }

    /**
     * Writes the block's 32 integer quants to {@code q}, returns {@code d}; for formats with a minimum stores
     * {@code m} in {@code factors[1]}.
     */
    float unpack(byte[] s, int off, byte[] q, float[] factors) {
        float d = LittleEndian.f16(s, off);
        switch (this) {
            case Q4_0 -> nibbles(s, off + 2, q, -8);
            case Q4_1 -> {
                factors[1] = LittleEndian.f16(s, off + 2);
                nibbles(s, off + 4, q, 0);
            }
            case Q5_0 -> fiveBits(s, off + 2, off + 6, q, -16);
            case Q5_1 -> {
                factors[1] = LittleEndian.f16(s, off + 2);
                fiveBits(s, off + 4, off + 8, q, 0);
            }
            case Q8_0 -> System.arraycopy(s, off + 2, q, 0, 32);
            case IQ4_NL -> {
                for (int j = 0; j < 16; j++) {
                    int b = LittleEndian.u8(s, off + 2 + j);
                    q[j] = IQ4_VALUES[b & 0xF];
                    q[j + 16] = IQ4_VALUES[b >> 4];
                }
            }
        }
        return d;
    }

    /**
     * Elements {@code e .. e+15} (e = 0 or 16) of the block at {@code off} as the same integers {@link #unpack}
     * writes, decoded in a vector register. The minimum and scales are read by the caller.
     */
    ByteVector quants(byte[] s, int off, int e) {
        return switch (this) {
            case Q4_0 -> q4_0(s, off, e);
            case Q4_1 -> q4_1(s, off, e);
            case Q5_0 -> q5_0(s, off, e);
            case Q5_1 -> q5_1(s, off, e);
            case Q8_0 -> q8_0(s, off, e);
            case IQ4_NL -> iq4nl(s, off, e);
        };
    }

    static ByteVector q4_0(byte[] s, int off, int e) {
        return KernelSpecies.nibbles(s, off + 2, e >> 4).sub((byte) 8);
    }

    static ByteVector q4_1(byte[] s, int off, int e) {
        return KernelSpecies.nibbles(s, off + 4, e >> 4);
    }

    static ByteVector q5_0(byte[] s, int off, int e) {
        return withFifthBit(KernelSpecies.nibbles(s, off + 6, e >> 4), LittleEndian.i32(s, off + 2), e).sub((byte) 16);
    }

    static ByteVector q5_1(byte[] s, int off, int e) {
        return withFifthBit(KernelSpecies.nibbles(s, off + 8, e >> 4), LittleEndian.i32(s, off + 4), e);
    }

    static ByteVector q8_0(byte[] s, int off, int e) {
        return KernelSpecies.bytes(s, off + 2 + e);
    }

    static ByteVector iq4nl(byte[] s, int off, int e) {
        return KernelSpecies.nibbles(s, off + 2, e >> 4).selectFrom(KernelSpecies.IQ4_TABLE);
    }

    /** Adds 16 to lane i where bit {@code e + i} of {@code qh} is set. */
    private static ByteVector withFifthBit(ByteVector nibbles, int qh, int e) {
        VectorMask<Byte> high = VectorMask.fromLong(KernelSpecies.BYTES, (qh >>> e) & 0xFFFFL);
        return nibbles.add((byte) 16, high);
    }

    /** Byte j holds element j (low nibble) and element j + 16 (high nibble). */
    private static void nibbles(byte[] s, int qs, byte[] q, int offset) {
        for (int j = 0; j < 16; j++) {
            int b = LittleEndian.u8(s, qs + j);
            q[j] = (byte) ((b & 0xF) + offset);
            q[j + 16] = (byte) ((b >> 4) + offset);
        }
    }

    /** As {@link #nibbles}, with the 5th bit of element j in bit j of the little-endian u32 at {@code qh}. */
    private static void fiveBits(byte[] s, int qhAt, int qs, byte[] q, int offset) {
        int qh = LittleEndian.i32(s, qhAt);
        for (int j = 0; j < 16; j++) {
            int b = LittleEndian.u8(s, qs + j);
            int h0 = ((qh >>> j) << 4) & 0x10;
            int h1 = (qh >>> (j + 12)) & 0x10;
            q[j] = (byte) (((b & 0xF) | h0) + offset);
            q[j + 16] = (byte) (((b >> 4) | h1) + offset);
        }
    }
}
