package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * IQ1_M ({@code block_iq1_m}, 256 elements, 56 bytes): {@code qs[32]}, {@code qh[16]}, {@code scales[8]} read as four
 * little-endian uint16 {@code sc[0..3]}. The block's fp16 scale {@code d} has no field of its own: its four nibbles
 * are the top nibbles of {@code sc[0]} (lowest) to {@code sc[3]} (highest). 32-element block ib has 4 groups of 8:
 * group 2h + k (h, k in 0..1) uses the 11-bit index {@code qs[4*ib + 2h + k] | ((qh[2*ib + h] >> 4k) & 7) << 8}
 * into {@code iq1s_grid} and bit {@code 4k + 3} of {@code qh[2*ib + h]} as the sign of its delta (+-0.125). Groups
 * 0-1 use the 3-bit scale at bit 6*(ib%2) of {@code sc[ib/2]}, groups 2-3 the one at bit 6*(ib%2) + 3. Value:
 * {@code (d * (2*s + 1)) * (grid[j] + delta)}.
 */
final class IQ1_MCodec implements BlockCodec {
    /** ggml's {@code IQ1M_DELTA}. */
    static final float DELTA = 0.125f;
    private static final byte[] GRID = IqGrids.get().iq1sGrid;

    @Override
    public GgmlType type() {
        return GgmlType.IQ1_M;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        long qsAt = offset;
        long qhAt = offset + 32;
        long scAt = offset + 48;
        int sc0 = LittleEndian.u16(src, scAt);
        int sc1 = LittleEndian.u16(src, scAt + 2);
        int sc2 = LittleEndian.u16(src, scAt + 4);
        int sc3 = LittleEndian.u16(src, scAt + 6);
        int bits = (sc0 >>> 12) | ((sc1 >>> 8) & 0x00F0) | ((sc2 >>> 4) & 0x0F00) | (sc3 & 0xF000);
        float d = Float.float16ToFloat((short) bits);
        int y = dstOffset;
        for (int ib = 0; ib < 8; ib++) {
            int sc = LittleEndian.u16(src, scAt + 2L * (ib / 2));
            int shift = 6 * (ib % 2);
            float dl1 = d * (2 * ((sc >>> shift) & 7) + 1);
            float dl2 = d * (2 * ((sc >>> (shift + 3)) & 7) + 1);
            for (int g = 0; g < 4; g++) {
                int qh = LittleEndian.u8(src, qhAt + 2L * ib + g / 2);
                int high = g % 2 == 0 ? (qh << 8) & 0x700 : (qh << 4) & 0x700;
                int deltaBit = g % 2 == 0 ? 0x08 : 0x80;
                int grid = 8 * (LittleEndian.u8(src, qsAt + 4L * ib + g) | high);
                float delta = (qh & deltaBit) != 0 ? -DELTA : DELTA;
                float dl = g < 2 ? dl1 : dl2;
                for (int j = 0; j < 8; j++) {
                    dst[y + j] = dl * (GRID[grid + j] + delta);
                }
                y += 8;
            }
        }
    }
}
