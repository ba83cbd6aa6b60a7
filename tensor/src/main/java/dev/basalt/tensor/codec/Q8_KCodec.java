package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q8_K, 256 elements in 292 bytes: float32 {@code d}, 256 int8 quants, then 16 int16 {@code bsums}, the sum of
 * each group of 16 quants (used by K-quant dot products for their minimums); value d * q. This is the
 * activation format K-quant weights are multiplied with.
 */
final class Q8_KCodec implements BlockCodec {
    private static final int QK = 256;
    private static final int QS = 4;
    private static final int BSUMS = QS + QK;

    @Override
    public GgmlType type() {
        return GgmlType.Q8_K;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f32(src, offset);
        for (int j = 0; j < QK; j++) {
            dst[dstOffset + j] = d * LittleEndian.i8(src, offset + QS + j);
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /**
     * iscale = -127 / (first signed value of largest magnitude), q = nearest_int(iscale * x) (ties to even),
     * capped at 127; d = 1 / iscale in float32 (not max / -127: the two differ in the last bit).
     * For an all-zero block ggml writes d = 0 and zero quants and leaves {@code bsums} untouched; here they are
     * written as 0 too, which is what they sum to.
     */
    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        float max = 0.0f;
        float amax = 0.0f;
        for (int j = 0; j < QK; j++) {
            float ax = Math.abs(src[srcOffset + j]);
            if (ax > amax) {
                amax = ax;
                max = src[srcOffset + j];
            }
        }
        if (amax == 0.0f) {
            dst.asSlice(offset, GgmlType.Q8_K.bytesPerBlock()).fill((byte) 0);
            return;
        }
        float iscale = -127.0f / max;
        for (int j = 0; j < QK; j++) {
            int q = Math.min(127, GgmlRound.nearestEven(iscale * src[srcOffset + j]));
            LittleEndian.putI8(dst, offset + QS + j, q);
        }
        for (int g = 0; g < QK / 16; g++) {
            int sum = 0;
            for (int i = 0; i < 16; i++) {
                sum += LittleEndian.i8(dst, offset + QS + g * 16 + i);
            }
            LittleEndian.putU16(dst, offset + BSUMS + 2L * g, sum);
        }
        LittleEndian.putF32(dst, offset, 1 / iscale);
    }
}
