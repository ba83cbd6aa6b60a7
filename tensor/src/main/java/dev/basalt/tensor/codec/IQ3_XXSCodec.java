package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * IQ3_XXS ({@code block_iq3_xxs}, 256 elements, 98 bytes): fp16 {@code d}, 64 index bytes into {@code iq3xxs_grid}
 * (4 elements each), then one little-endian uint32 per 32-element block: bits 7l..7l+6 index {@code ksigns_iq2xs}
 * for the signs of elements 8l..8l+7, bits 28..31 are the scale {@code s}. Value:
 * {@code ((d * (0.5f + s)) * 0.5f) * grid[j]}, negated (times -1) when the sign bit is set.
 */
final class IQ3_XXSCodec implements BlockCodec {
    private static final IqGrids TABLES = IqGrids.get();
    private static final byte[] GRID = TABLES.iq3xxsGrid;
    private static final byte[] KSIGNS = TABLES.ksignsIq2xs;
    private static final byte[] KMASK = TABLES.kmaskIq2xs;

    @Override
    public GgmlType type() {
        return GgmlType.IQ3_XXS;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset);
        long qs = offset + 2;
        long scalesAndSigns = qs + 64;
        int y = dstOffset;
        for (int ib32 = 0; ib32 < 8; ib32++) {
            int aux = LittleEndian.i32(src, scalesAndSigns + 4L * ib32);
            float db = d * (0.5f + (aux >>> 28)) * 0.5f;
            for (int l = 0; l < 4; l++) {
                int signs = KSIGNS[(aux >>> (7 * l)) & 127] & 0xFF;
                int grid1 = 4 * LittleEndian.u8(src, qs + 8L * ib32 + 2 * l);
                int grid2 = 4 * LittleEndian.u8(src, qs + 8L * ib32 + 2 * l + 1);
                for (int j = 0; j < 4; j++) {
                    dst[y + j] = db * (GRID[grid1 + j] & 0xFF) * ((signs & KMASK[j]) != 0 ? -1f : 1f);
                    dst[y + j + 4] = db * (GRID[grid2 + j] & 0xFF) * ((signs & KMASK[j + 4]) != 0 ? -1f : 1f);
                }
                y += 8;
            }
        }
    }
}
