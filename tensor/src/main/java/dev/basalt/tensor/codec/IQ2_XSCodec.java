package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * IQ2_XS ({@code block_iq2_xs}, 256 elements, 74 bytes): fp16 {@code d}, {@code qs[32]} little-endian uint16, then
 * {@code scales[8]}. Each {@code qs} word covers 8 elements: bits 0..8 index {@code iq2xs_grid}, bits 9..15 index
 * {@code ksigns_iq2xs}. Group ib32 (32 elements, words 4*ib32..4*ib32+3) uses the low nibble of
 * {@code scales[ib32]} for its first 16 elements and the high nibble for the rest. Value:
 * {@code ((d * (0.5f + s)) * 0.25f) * grid[j]}, negated (times -1) when the sign bit is set.
 */
final class IQ2_XSCodec implements BlockCodec {
    private static final IqGrids TABLES = IqGrids.get();
    private static final byte[] GRID = TABLES.iq2xsGrid;
    private static final byte[] KSIGNS = TABLES.ksignsIq2xs;
    private static final byte[] KMASK = TABLES.kmaskIq2xs;

    @Override
    public GgmlType type() {
        return GgmlType.IQ2_XS;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset);
        int y = dstOffset;
        for (int ib32 = 0; ib32 < 8; ib32++) {
            int scales = LittleEndian.u8(src, offset + 66 + ib32);
            float db0 = d * (0.5f + (scales & 0xF)) * 0.25f;
            float db1 = d * (0.5f + (scales >>> 4)) * 0.25f;
            for (int l = 0; l < 4; l++) {
                int q = LittleEndian.u16(src, offset + 2 + 2L * (4 * ib32 + l));
                int grid = 8 * (q & 511);
                int signs = KSIGNS[q >>> 9] & 0xFF;
                float dl = l < 2 ? db0 : db1;
                for (int j = 0; j < 8; j++) {
                    dst[y + j] = dl * (GRID[grid + j] & 0xFF) * ((signs & KMASK[j]) != 0 ? -1f : 1f);
                }
                y += 8;
            }
        }
    }
}
