package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q5_K ({@code block_q5_K}, 256 elements, 176 bytes): fp16 d, fp16 dmin, 12 bytes of 6-bit scale/min pairs
 * ({@link ScaleMinPacking}), 32 bytes qh, 128 bytes of low nibbles arranged as Q4_K. The fifth bit of the element
 * in sub-block sb at position l (0..31) is bit sb of qh[l]. Value (d * scale) * q - (dmin * min).
 */
final class Q5_KCodec implements BlockCodec {
    private static final int D = 0;
    private static final int DMIN = 2;
    private static final int SCALES = 4;
    private static final int QH = 16;
    private static final int QS = 48;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset + D);
        float dmin = LittleEndian.f16(src, offset + DMIN);
        for (int sb = 0; sb < 8; sb++) {
            float dl = d * ScaleMinPacking.scale(src, offset + SCALES, sb);
            float ml = dmin * ScaleMinPacking.min(src, offset + SCALES, sb);
            long qs = offset + QS + 32 * (sb >> 1);
            int shift = 4 * (sb & 1);
            for (int l = 0; l < 32; l++) {
                int q = (LittleEndian.u8(src, qs + l) >> shift) & 0xF;
                q |= ((LittleEndian.u8(src, offset + QH + l) >> sb) & 1) << 4;
                dst[dstOffset + 32 * sb + l] = dl * q - ml;
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        int[] L = new int[256];
        ScaleMinSuperBlock.Header h = ScaleMinSuperBlock.quantize(src, srcOffset, 31, -0.5f, 15, L);
        LittleEndian.putU16(dst, offset + D, h.d());
        LittleEndian.putU16(dst, offset + DMIN, h.dmin());
        MemorySegment.copy(MemorySegment.ofArray(h.scales()), 0, dst, offset + SCALES, ScaleMinPacking.BYTES);
        int[] qh = new int[32];
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                int lo = L[64 * c + l];
                int hi = L[64 * c + 32 + l];
                qh[l] |= (lo >> 4) << (2 * c) | (hi >> 4) << (2 * c + 1);
                LittleEndian.putI8(dst, offset + QS + 32 * c + l, (lo & 0xF) | (hi & 0xF) << 4);
            }
        }
        for (int l = 0; l < 32; l++) {
            LittleEndian.putI8(dst, offset + QH + l, qh[l]);
        }
    }
}
