package dev.basalt.tensor.codec;

import java.lang.foreign.MemorySegment;

/**
 * The 12-byte {@code scales} field of Q4_K and Q5_K: eight (scale, min) pairs of 6-bit values, one per 32-element
 * sub-block. Pairs 0..3 sit in the low 6 bits of bytes 0..3 (scale) and 4..7 (min); pairs 4..7 keep their low
 * nibbles in bytes 8..11 (scale low, min high) and their top two bits in bits 6..7 of bytes 0..3 (scale) and
 * 4..7 (min). This is ggml's {@code get_scale_min_k4} and its inverse in {@code quantize_row_q4_K_ref}.
 */
final class ScaleMinPacking {
    static final int BYTES = 12;
    static final int PAIRS = 8;

    private ScaleMinPacking() {
    }

    /** The 6-bit scale of pair {@code j} (0..7) of the 12 bytes at {@code s[offset]}. */
    static int scale(MemorySegment s, long offset, int j) {
        if (j < 4) {
            return LittleEndian.u8(s, offset + j) & 63;
        }
        return (LittleEndian.u8(s, offset + j + 4) & 0xF) | (LittleEndian.u8(s, offset + j - 4) >> 6) << 4;
    }

    /** The 6-bit min of pair {@code j} (0..7). */
    static int min(MemorySegment s, long offset, int j) {
        if (j < 4) {
            return LittleEndian.u8(s, offset + j + 4) & 63;
        }
        return (LittleEndian.u8(s, offset + j + 4) >> 4) | (LittleEndian.u8(s, offset + j) >> 6) << 4;
    }

    /** Packs eight 6-bit scales and mins (each 0..63) into 12 bytes. */
    static byte[] encode(int[] scales, int[] mins) {
        byte[] b = new byte[BYTES];
        for (int j = 0; j < PAIRS; j++) {
            int ls = scales[j];
            int lm = mins[j];
            if ((ls | lm) >>> 6 != 0) {
                throw new IllegalArgumentException("6-bit value out of range: scale " + ls + ", min " + lm);
            }
            if (j < 4) {
                b[j] = (byte) ls;
                b[j + 4] = (byte) lm;
            } else {
                // bytes j-4 and j were written at pair j-4 (j-4 < 4), so their low 6 bits are already in place
                b[j + 4] = (byte) ((ls & 0xF) | (lm & 0xF) << 4);
                b[j - 4] |= (byte) ((ls >> 4) << 6);
                b[j] |= (byte) ((lm >> 4) << 6);
            }
        }
        return b;
    }
}
