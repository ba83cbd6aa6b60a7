package dev.basalt.tensor.codec;

import java.lang.foreign.MemorySegment;

/**
 * The 64-byte {@code qs} field of Q2_K and Q3_K: 256 two-bit values. In half h (elements 128h..128h+127) byte
 * 32h + l holds elements 128h + 32k + l in bits 2k..2k+1 (k = 0..3), so one byte spans four 32-element runs.
 */
final class TwoBitPacking {
    static final int BYTES = 64;

    private TwoBitPacking() {
    }

    /** Two-bit value of element {@code e} (0..255). */
    static int get(MemorySegment s, long offset, int e) {
        int b = LittleEndian.u8(s, offset + 32 * (e >> 7) + (e & 31));
        return (b >> (2 * ((e >> 5) & 3))) & 3;
    }

    /** Writes 256 values (each 0..3) from {@code q}. */
    static void put(int[] q, MemorySegment s, long offset) {
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int j = 128 * h + l;
                int b = q[j] | q[j + 32] << 2 | q[j + 64] << 4 | q[j + 96] << 6;
                LittleEndian.putI8(s, offset + 32 * h + l, b);
            }
        }
    }
}
