package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q1_0, 128 elements in 18 bytes: fp16 {@code d}, then 16 bytes of sign bits, bit (j % 8) of byte j / 8 for
 * element j: 1 gives +d, 0 gives -d.
 */
final class Q1_0Codec implements BlockCodec {
    private static final int QK = 128;

    @Override
    public GgmlType type() {
        return GgmlType.Q1_0;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset);
        float negD = -d;
        for (int j = 0; j < QK; j++) {
            int bit = (LittleEndian.u8(src, offset + 2 + j / 8) >>> (j % 8)) & 1;
            dst[dstOffset + j] = bit != 0 ? d : negD;
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /**
     * d = mean |x|, summed in element order in float32 then divided by 128; the bit is set when x >= 0, so
     * -0.0 (which compares equal to 0) becomes +d.
     */
    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        float sumAbs = 0.0f;
        for (int j = 0; j < QK; j++) {
            sumAbs += Math.abs(src[srcOffset + j]);
        }
        LittleEndian.putF16(dst, offset, sumAbs / QK);
        for (int i = 0; i < QK / 8; i++) {
            int b = 0;
            for (int k = 0; k < 8; k++) {
                if (src[srcOffset + 8 * i + k] >= 0.0f) {
                    b |= 1 << k;
                }
            }
            LittleEndian.putI8(dst, offset + 2 + i, b);
        }
    }
}
