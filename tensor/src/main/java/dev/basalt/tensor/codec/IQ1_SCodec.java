package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * IQ1_S ({@code block_iq1_s}, 256 elements, 50 bytes): fp16 {@code d}, {@code qs[32]}, {@code qh[8]} little-endian
 * uint16. 32-element block ib has 4 groups of 8; group l uses the 11-bit index
 * {@code qs[4*ib + l] | ((qh[ib] >> 3l) & 7) << 8} into {@code iq1s_grid} (values -1, 0, 1). Bits 12..14 of
 * {@code qh[ib]} are the scale {@code s}, bit 15 the sign of the delta (+-0.125). Value:
 * {@code (d * (2*s + 1)) * (grid[j] + delta)}.
 */
final class IQ1_SCodec implements BlockCodec {
    /** ggml's {@code IQ1S_DELTA}. */
    static final float DELTA = 0.125f;
    private static final byte[] GRID = IqGrids.get().iq1sGrid;

    @Override
    public GgmlType type() {
        return GgmlType.IQ1_S;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset);
        long qs = offset + 2;
        long qhAt = offset + 34;
        int y = dstOffset;
        for (int ib = 0; ib < 8; ib++) {
            int qh = LittleEndian.u16(src, qhAt + 2L * ib);
            float dl = d * (2 * ((qh >>> 12) & 7) + 1);
            float delta = (qh & 0x8000) != 0 ? -DELTA : DELTA;
            for (int l = 0; l < 4; l++) {
                int grid = 8 * (LittleEndian.u8(src, qs + 4L * ib + l) | (((qh >>> (3 * l)) & 7) << 8));
                for (int j = 0; j < 8; j++) {
                    dst[y + j] = dl * (GRID[grid + j] + delta);
                }
                y += 8;
            }
        }
    }
}
