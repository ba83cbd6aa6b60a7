package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * IQ2_XXS ({@code block_iq2_xxs}, 256 elements, 66 bytes): fp16 {@code d}, then 8 groups of 32 elements, each two
 * little-endian uint32 {@code a0, a1}. Byte l of {@code a0} indexes {@code iq2xxs_grid} for elements 8l..8l+7;
 * bits 7l..7l+6 of {@code a1} index {@code ksigns_iq2xs} for their signs and bits 28..31 are the group's scale
 * {@code s}. Value: {@code ((d * (0.5f + s)) * 0.25f) * grid[j]}, negated (times -1) when the sign bit is set.
 */
final class IQ2_XXSCodec implements BlockCodec {
    private static final IqGrids TABLES = IqGrids.get();
    private static final byte[] GRID = TABLES.iq2xxsGrid;
    private static final byte[] KSIGNS = TABLES.ksignsIq2xs;
    private static final byte[] KMASK = TABLES.kmaskIq2xs;

    @Override
    public GgmlType type() {
        return GgmlType.IQ2_XXS;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset);
        int y = dstOffset;
        for (int ib32 = 0; ib32 < 8; ib32++) {
            long group = offset + 2 + 8L * ib32;
            int a1 = LittleEndian.i32(src, group + 4);
            float db = d * (0.5f + (a1 >>> 28)) * 0.25f;
            for (int l = 0; l < 4; l++) {
                int grid = 8 * LittleEndian.u8(src, group + l);
                int signs = KSIGNS[(a1 >>> (7 * l)) & 127] & 0xFF;
                for (int j = 0; j < 8; j++) {
                    dst[y + j] = db * (GRID[grid + j] & 0xFF) * ((signs & KMASK[j]) != 0 ? -1f : 1f);
                }
                y += 8;
            }
        }
    }
}
