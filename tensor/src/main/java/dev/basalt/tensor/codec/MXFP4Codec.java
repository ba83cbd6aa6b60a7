package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * MXFP4 (OCP microscaling FP4), 32 elements in 17 bytes: one E8M0 exponent byte {@code e}, then 16 bytes of
 * E2M1 nibbles, low nibble of byte j = element j, high nibble = element j + 16. Value
 * {@code E2M1.VALUES[q] * 2^(e - 128)} (doubled E2M1 value times half the E8M0 scale).
 */
final class MXFP4Codec implements BlockCodec {
    private static final int QK = 32;

    @Override
    public GgmlType type() {
        return GgmlType.MXFP4;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = E8M0.toFloatHalf(LittleEndian.u8(src, offset));
        for (int j = 0; j < QK / 2; j++) {
            int b = LittleEndian.u8(src, offset + 1 + j);
            dst[dstOffset + j] = E2M1.VALUES[b & 0x0F] * d;
            dst[dstOffset + j + QK / 2] = E2M1.VALUES[b >>> 4] * d;
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /**
     * e = floor(log2(absmax)) - 2 + 127, so the largest E2M1 magnitude 6 sits at 1.5 * 2^floor(log2 absmax)
     * (values above that are clipped to it); each element then takes the nearest table value.
     */
    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        float amax = 0.0f;
        for (int j = 0; j < QK; j++) {
            float a = Math.abs(src[srcOffset + j]);
            if (amax < a) {
                amax = a;
            }
        }
        int e = E8M0.exponentForMax(amax);
        float d = E8M0.toFloatHalf(e);
        LittleEndian.putI8(dst, offset, e);
        for (int j = 0; j < QK / 2; j++) {
            int q0 = E2M1.nearestIndex(src[srcOffset + j], d);
            int q1 = E2M1.nearestIndex(src[srcOffset + j + QK / 2], d);
            LittleEndian.putI8(dst, offset + 1 + j, q0 | (q1 << 4));
        }
    }
}
