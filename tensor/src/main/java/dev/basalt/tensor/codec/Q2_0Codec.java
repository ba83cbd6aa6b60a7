package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q2_0, 64 elements in 18 bytes: fp16 {@code d}, then 16 bytes of 2-bit quants, element j in bits
 * 2*(j%4)..2*(j%4)+1 of byte j/4; value (q - 1) * d, so the codes mean -d, 0, +d, +2d.
 */
final class Q2_0Codec implements BlockCodec {
    private static final int QK = 64;

    @Override
    public GgmlType type() {
        return GgmlType.Q2_0;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset);
        for (int j = 0; j < QK; j++) {
            int q = (LittleEndian.u8(src, offset + 2 + j / 4) >>> (2 * (j % 4))) & 3;
            dst[dstOffset + j] = (q - 1) * d;
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** d = absmax, q = roundf(x * (1/d)) + 1 clamped to 0..3 (so +2d is never produced from real data). */
    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        float amax = 0.0f;
        for (int j = 0; j < QK; j++) {
            float a = Math.abs(src[srcOffset + j]);
            if (a > amax) {
                amax = a;
            }
        }
        float d = amax;
        float id = d > 0.0f ? 1.0f / d : 0.0f;
        LittleEndian.putF16(dst, offset, d);
        for (int i = 0; i < QK / 4; i++) {
            int b = 0;
            for (int k = 0; k < 4; k++) {
                int q = GgmlRound.roundHalfAway(src[srcOffset + 4 * i + k] * id) + 1;
                q = Math.max(0, Math.min(3, q));
                b |= q << (2 * k);
            }
            LittleEndian.putI8(dst, offset + 2 + i, b);
        }
    }
}
