package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * IQ2_S ({@code block_iq2_s}, 256 elements, 82 bytes): fp16 {@code d}, {@code qs[64]} (32 low index bytes, then 32
 * sign bytes), {@code qh[8]}, {@code scales[8]}. The 8 elements of group l (0..3) of 32-element block ib32 use the
 * 10-bit index {@code qs[4*ib32 + l] | ((qh[ib32] >> 2l) & 3) << 8} into {@code iq2s_grid} and the explicit sign
 * bits of {@code qs[32 + 4*ib32 + l]}; groups 0-1 take the low nibble of {@code scales[ib32]}, groups 2-3 the high.
 * Value: {@code ((d * (0.5f + s)) * 0.25f) * grid[j]}, negated (times -1) when the sign bit is set.
 */
final class IQ2_SCodec implements BlockCodec {
    private static final IqGrids TABLES = IqGrids.get();
    private static final byte[] GRID = TABLES.iq2sGrid;
    private static final byte[] KMASK = TABLES.kmaskIq2xs;

    @Override
    public GgmlType type() {
        return GgmlType.IQ2_S;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset);
        long qs = offset + 2;
        long signsAt = qs + 32;
        long qh = offset + 66;
        long scalesAt = offset + 74;
        int y = dstOffset;
        for (int ib32 = 0; ib32 < 8; ib32++) {
            int scales = LittleEndian.u8(src, scalesAt + ib32);
            float db0 = d * (0.5f + (scales & 0xF)) * 0.25f;
            float db1 = d * (0.5f + (scales >>> 4)) * 0.25f;
            int high = LittleEndian.u8(src, qh + ib32);
            for (int l = 0; l < 4; l++) {
                float dl = l < 2 ? db0 : db1;
                int index = LittleEndian.u8(src, qs + 4L * ib32 + l) | ((high << (8 - 2 * l)) & 0x300);
                int grid = 8 * index;
                int signs = LittleEndian.u8(src, signsAt + 4L * ib32 + l);
                for (int j = 0; j < 8; j++) {
                    dst[y + j] = dl * (GRID[grid + j] & 0xFF) * ((signs & KMASK[j]) != 0 ? -1f : 1f);
                }
                y += 8;
            }
        }
    }
}
