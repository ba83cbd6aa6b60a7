package dev.basalt.tensor.codec;

import java.lang.foreign.MemorySegment;

/**
 * The 12-byte {@code scales} field of Q3_K: sixteen 6-bit values (the signed sub-block scale plus 32), one per
 * 16 elements. Low nibble of value i: low nibble of byte i for i &lt; 8, high nibble of byte i - 8 for i &ge; 8;
 * its top two bits: bits 2*(i/4)..2*(i/4)+1 of byte 8 + i%4.
 */
final class Q3KScalePacking {
    static final int BYTES = 12;
    static final int COUNT = 16;

    private Q3KScalePacking() {
    }

    /** The 6-bit value i (0..15), 0..63; the signed scale is this minus 32. */
    static int get(MemorySegment s, long offset, int i) {
        int low = i < 8 ? LittleEndian.u8(s, offset + i) & 0xF : LittleEndian.u8(s, offset + i - 8) >> 4;
        int high = (LittleEndian.u8(s, offset + 8 + i % 4) >> (2 * (i / 4))) & 3;
        return low | high << 4;
    }

    /** Same as {@link #get} on a byte array. */
    static int get(byte[] b, int i) {
        return get(MemorySegment.ofArray(b), 0, i);
    }

    /** Packs sixteen 6-bit values (each 0..63) into 12 bytes. */
    static byte[] encode(int[] values) {
        byte[] b = new byte[BYTES];
        for (int i = 0; i < COUNT; i++) {
            int v = values[i];
            if (v >>> 6 != 0) {
                throw new IllegalArgumentException("6-bit value out of range: " + v);
            }
            if (i < 8) {
                b[i] = (byte) (v & 0xF);
            } else {
                b[i - 8] |= (byte) ((v & 0xF) << 4);
            }
            b[8 + i % 4] |= (byte) ((v >> 4) << (2 * (i / 4)));
        }
        return b;
    }
}
