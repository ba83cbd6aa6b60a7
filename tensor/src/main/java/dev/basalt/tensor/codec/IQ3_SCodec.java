package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * IQ3_S ({@code block_iq3_s}, 256 elements, 110 bytes): fp16 {@code d}, {@code qs[64]}, {@code qh[8]},
 * {@code signs[32]}, {@code scales[4]}. 32-element block ib holds 8 indices into {@code iq3s_grid} (4 elements
 * each): index i (0..7) is {@code qs[8*ib + i] | ((qh[ib] >> i) & 1) << 8}; element 8l + j takes bit j of
 * {@code signs[4*ib + l]} as its sign. The scale is nibble ib%2 of {@code scales[ib/2]}. Value:
 * {@code (d * (1 + 2*s)) * grid[j]} (the integer {@code 1 + 2*s} converted to float), negated (times -1) when the
 * sign bit is set.
 */
final class IQ3_SCodec implements BlockCodec {
    private static final IqGrids TABLES = IqGrids.get();
    private static final byte[] GRID = TABLES.iq3sGrid;
    private static final byte[] KMASK = TABLES.kmaskIq2xs;

    @Override
    public GgmlType type() {
        return GgmlType.IQ3_S;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset);
        long qsAt = offset + 2;
        long qhAt = offset + 66;
        long signsAt = offset + 74;
        long scalesAt = offset + 106;
        int y = dstOffset;
        for (int ib = 0; ib < 8; ib++) {
            int scale = (LittleEndian.u8(src, scalesAt + ib / 2) >>> (4 * (ib % 2))) & 0xF;
            float db = d * (1 + 2 * scale);
            int qh = LittleEndian.u8(src, qhAt + ib);
            for (int l = 0; l < 4; l++) {
                int grid1 = 4 * (LittleEndian.u8(src, qsAt + 8L * ib + 2 * l) | ((qh << (8 - 2 * l)) & 256));
                int grid2 = 4 * (LittleEndian.u8(src, qsAt + 8L * ib + 2 * l + 1) | ((qh << (7 - 2 * l)) & 256));
                int signs = LittleEndian.u8(src, signsAt + 4L * ib + l);
                for (int j = 0; j < 4; j++) {
                    dst[y + j] = db * (GRID[grid1 + j] & 0xFF) * ((signs & KMASK[j]) != 0 ? -1f : 1f);
                    dst[y + j + 4] = db * (GRID[grid2 + j] & 0xFF) * ((signs & KMASK[j + 4]) != 0 ? -1f : 1f);
                }
                y += 8;
            }
        }
    }
}
