package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q4_K ({@code block_q4_K}, 256 elements, 144 bytes): fp16 d, fp16 dmin, 12 bytes of 6-bit scale/min pairs
 * ({@link ScaleMinPacking}), 128 bytes of nibbles. Chunk c = 0..3 uses bytes 32c..32c+31: the low nibble of byte
 * 32c + l is element 64c + l (sub-block 2c), the high nibble element 64c + 32 + l (sub-block 2c + 1).
 * Value (d * scale) * q - (dmin * min): the two products are rounded separately before the subtraction.
 */
final class Q4_KCodec implements BlockCodec {
    private static final int D = 0;
    private static final int DMIN = 2;
    private static final int SCALES = 4;
    private static final int QS = 16;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
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
        ScaleMinSuperBlock.Header h = ScaleMinSuperBlock.quantize(src, srcOffset, 15, -1f, 20, L);
        LittleEndian.putU16(dst, offset + D, h.d());
        LittleEndian.putU16(dst, offset + DMIN, h.dmin());
        MemorySegment.copy(MemorySegment.ofArray(h.scales()), 0, dst, offset + SCALES, ScaleMinPacking.BYTES);
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                LittleEndian.putI8(dst, offset + QS + 32 * c + l, L[64 * c + l] | L[64 * c + 32 + l] << 4);
            }
        }
    }
}
