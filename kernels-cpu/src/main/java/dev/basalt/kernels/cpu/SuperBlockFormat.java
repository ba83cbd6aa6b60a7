package dev.basalt.kernels.cpu;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.codec.LittleEndian;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * How a 256-element super-block turns into 256 small integers q, one integer scale per sub-block of 16 or 32
 * elements, optionally one integer minimum per sub-block, and the float factors {@code d} (and {@code dmin}):
 * element = {@code d * scale * q - dmin * min}. Byte layouts as in ggml-common.h (see tensor's codecs and
 * ../shared/testdata/quant/README.md).
 */
enum SuperBlockFormat {
    Q2_K(GgmlType.Q2_K, 16, true),
    Q3_K(GgmlType.Q3_K, 16, false),
    Q4_K(GgmlType.Q4_K, 32, true),
    Q5_K(GgmlType.Q5_K, 32, true),
    Q6_K(GgmlType.Q6_K, 16, false),
    IQ4_XS(GgmlType.IQ4_XS, 32, false);

    final GgmlType type;
    final int subBlock;
    final boolean hasMins;

    SuperBlockFormat(GgmlType type, int subBlock, boolean hasMins) {
        this.type = type;
        this.subBlock = subBlock;
        this.hasMins = hasMins;
    }

    static SuperBlockFormat of(GgmlType type) {
        return valueOf(type.name());
    }

    /** Fills {@code q[256]}, {@code scales[256 / subBlock]}, {@code mins} (when present) and d, dmin. */
    void unpack(byte[] s, int off, byte[] q, int[] scales, int[] mins, float[] factors) {
        unpackScales(s, off, scales, mins, factors);
        unpackQuants(s, off, q);
    }

    /** Fills {@code scales[256 / subBlock]}, {@code mins} (when present), {@code factors[0]} = d, [1] = dmin. */
    void unpackScales(byte[] s, int off, int[] scales, int[] mins, float[] factors) {
        switch (this) {
            case Q2_K -> {
                for (int j = 0; j < 16; j++) {
                    int sc = LittleEndian.u8(s, off + j);
                    scales[j] = sc & 0xF;
                    mins[j] = sc >> 4;
                }
                factors[0] = LittleEndian.f16(s, off + 80);
                factors[1] = LittleEndian.f16(s, off + 82);
            }
            case Q3_K -> {
                for (int i = 0; i < 16; i++) {
                    int low = i < 8 ? LittleEndian.u8(s, off + 96 + i) & 0xF : LittleEndian.u8(s, off + 96 + i - 8) >> 4;
                    int high = (LittleEndian.u8(s, off + 96 + 8 + i % 4) >> (2 * (i / 4))) & 3;
                    scales[i] = (low | high << 4) - 32;
                }
                factors[0] = LittleEndian.f16(s, off + 108);
            }
            case Q4_K, Q5_K -> {
                factors[0] = LittleEndian.f16(s, off);
                factors[1] = LittleEndian.f16(s, off + 2);
                // The 12 scale bytes in two loads (a per-byte read costs a bounds check each), bytes taken by shifts.
                long lo = LittleEndian.i64(s, off + 4);
                long hi = LittleEndian.i32(s, off + 12) & 0xFFFFFFFFL;
                for (int j = 0; j < 4; j++) {
                    int bj = (int) (lo >>> (8 * j)) & 0xFF;
                    int bj4 = (int) (lo >>> (8 * j + 32)) & 0xFF;
                    int bj8 = (int) (hi >>> (8 * j)) & 0xFF;
                    scales[j] = bj & 63;
                    mins[j] = bj4 & 63;
                    scales[j + 4] = (bj8 & 0xF) | ((bj >> 6) << 4);
                    mins[j + 4] = (bj8 >> 4) | ((bj4 >> 6) << 4);
                }
            }
            case Q6_K -> {
                long lo = LittleEndian.i64(s, off + 192);
                long hi = LittleEndian.i64(s, off + 200);
                for (int j = 0; j < 8; j++) {
                    scales[j] = (byte) (lo >>> (8 * j));
                    scales[j + 8] = (byte) (hi >>> (8 * j));
                }
                factors[0] = LittleEndian.f16(s, off + 208);
            }
            case IQ4_XS -> {
                factors[0] = LittleEndian.f16(s, off);
                int scalesH = LittleEndian.u16(s, off + 2);
                for (int ib = 0; ib < 8; ib++) {
                    int low = (LittleEndian.u8(s, off + 4 + ib / 2) >> (4 * (ib % 2))) & 0xF;
                    scales[ib] = (low | ((scalesH >> (2 * ib)) & 3) << 4) - 32;
                }
            }
        }
    }

    /** Fills {@code q[256]} with the block's small integers. */
    void unpackQuants(byte[] s, int off, byte[] q) {
        switch (this) {
            case Q2_K -> {
                for (int h = 0; h < 2; h++) {
                    for (int l = 0; l < 32; l++) {
                        int b = LittleEndian.u8(s, off + 16 + 32 * h + l);
                        for (int k = 0; k < 4; k++) {
                            q[128 * h + 32 * k + l] = (byte) ((b >> (2 * k)) & 3);
                        }
                    }
                }
            }
            case Q3_K -> {
                for (int h = 0; h < 2; h++) {
                    for (int l = 0; l < 32; l++) {
                        int b = LittleEndian.u8(s, off + 32 + 32 * h + l);
                        int hm = LittleEndian.u8(s, off + l);
                        for (int k = 0; k < 4; k++) {
                            int v = (b >> (2 * k)) & 3;
                            q[128 * h + 32 * k + l] = (byte) (v - ((hm & (1 << (4 * h + k))) != 0 ? 0 : 4));
                        }
                    }
                }
            }
            case Q4_K, Q5_K -> {
                boolean five = this == Q5_K;
                int qs = off + (five ? 48 : 16);
                for (int c = 0; c < 4; c++) {
                    for (int l = 0; l < 32; l++) {
                        int b = LittleEndian.u8(s, qs + 32 * c + l);
                        int lo = b & 0xF;
                        int hi = b >> 4;
                        if (five) {
                            int qh = LittleEndian.u8(s, off + 16 + l);
                            lo += ((qh >> (2 * c)) & 1) << 4;
                            hi += ((qh >> (2 * c + 1)) & 1) << 4;
                        }
                        q[64 * c + l] = (byte) lo;
                        q[64 * c + 32 + l] = (byte) hi;
                    }
                }
            }
            case Q6_K -> {
                for (int h = 0; h < 2; h++) {
                    int ql = off + 64 * h;
                    int qh = off + 128 + 32 * h;
                    for (int l = 0; l < 32; l++) {
                        int a = LittleEndian.u8(s, ql + l);
                        int b = LittleEndian.u8(s, ql + l + 32);
                        int hb = LittleEndian.u8(s, qh + l);
                        int e = 128 * h + l;
                        q[e] = (byte) (((a & 0xF) | ((hb & 3) << 4)) - 32);
                        q[e + 32] = (byte) (((b & 0xF) | (((hb >> 2) & 3) << 4)) - 32);
                        q[e + 64] = (byte) (((a >> 4) | (((hb >> 4) & 3) << 4)) - 32);
                        q[e + 96] = (byte) (((b >> 4) | (((hb >> 6) & 3) << 4)) - 32);
                    }
                }
            }
            case IQ4_XS -> {
                for (int ib = 0; ib < 8; ib++) {
                    for (int j = 0; j < 16; j++) {
                        int b = LittleEndian.u8(s, off + 8 + 16 * ib + j);
                        q[32 * ib + j] = LegacyBlockFormat.IQ4_VALUES[b & 0xF];
                        q[32 * ib + j + 16] = LegacyBlockFormat.IQ4_VALUES[b >> 4];
                    }
                }
            }
        }
    }

    /**
     * Elements {@code e .. e+15} (e a multiple of 16) of the super-block at {@code off} as the same integers
     * {@link #unpackQuants} writes, decoded in a vector register. A chunk never straddles two sub-blocks.
     */
    ByteVector quants(byte[] s, int off, int e) {
        return switch (this) {
            case Q2_K -> q2k(s, off, e);
            case Q3_K -> q3k(s, off, e);
            case Q4_K -> q4k(s, off, e);
            case Q5_K -> q5k(s, off, e);
            case Q6_K -> q6k(s, off, e);
            case IQ4_XS -> iq4xs(s, off, e);
        };
    }

    // element e = 128 * h + 32 * k + l: half h of the super-block, quarter k of the half, l0 = e % 32 the chunk start

    static ByteVector q2k(byte[] s, int off, int e) {
        return KernelSpecies.bytes(s, off + 16 + 32 * (e >> 7) + (e & 31))
                .lanewise(VectorOperators.LSHR, 2 * ((e >> 5) & 3)).and((byte) 3);
    }

    static ByteVector q3k(byte[] s, int off, int e) {
        int k = (e >> 5) & 3;
        int h = e >> 7;
        ByteVector low = KernelSpecies.bytes(s, off + 32 + 32 * h + (e & 31)).lanewise(VectorOperators.LSHR, 2 * k)
                .and((byte) 3);
        VectorMask<Byte> highClear = KernelSpecies.bytes(s, off + (e & 31)).and((byte) (1 << (4 * h + k)))
                .compare(VectorOperators.EQ, (byte) 0);
        return low.sub((byte) 4, highClear);
    }

    static ByteVector q4k(byte[] s, int off, int e) {
        return KernelSpecies.nibbles(s, off + 16 + 32 * (e >> 6) + (e & 31), (e >> 5) & 1);
    }

    static ByteVector q5k(byte[] s, int off, int e) {
        int c = e >> 6;
        int half = (e >> 5) & 1;
        VectorMask<Byte> fifth = KernelSpecies.bytes(s, off + 16 + (e & 31)).and((byte) (1 << (2 * c + half)))
                .compare(VectorOperators.NE, (byte) 0);
        return KernelSpecies.nibbles(s, off + 48 + 32 * c + (e & 31), half).add((byte) 16, fifth);
    }

    static ByteVector q6k(byte[] s, int off, int e) {
        int k = (e >> 5) & 3;
        int h = e >> 7;
        ByteVector low = KernelSpecies.nibbles(s, off + 64 * h + 32 * (k & 1) + (e & 31), k >> 1);
        ByteVector high = KernelSpecies.bytes(s, off + 128 + 32 * h + (e & 31)).lanewise(VectorOperators.LSHR, 2 * k)
                .and((byte) 3).lanewise(VectorOperators.LSHL, 4);
        return low.or(high).sub((byte) 32);
    }

    static ByteVector iq4xs(byte[] s, int off, int e) {
        return KernelSpecies.nibbles(s, off + 8 + 16 * (e >> 5), (e >> 4) & 1).selectFrom(KernelSpecies.IQ4_TABLE);
    }
}
