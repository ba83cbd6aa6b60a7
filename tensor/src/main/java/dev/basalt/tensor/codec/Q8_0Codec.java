package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/** Q8_0, 32 elements in 34 bytes: fp16 {@code d}, then 32 int8 quants; value q * d. */
final class Q8_0Codec implements BlockCodec {
    private static final int QK = 32;

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset);
        for (int j = 0; j < QK; j++) {
            dst[dstOffset + j] = LittleEndian.i8(src, offset + 2 + j) * d;
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /**
     * ggml's reference quantizer: d = absmax / 127, q = roundf(x * (1/d)) with halves away from zero. (ggml's
     * AVX activation quantizer multiplies by 127/absmax and rounds halves to even instead; that is not this.)
     */
    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        float amax = GgmlRound.absMax(src, srcOffset, QK);
        float d = amax / ((1 << 7) - 1);
        float id = d != 0.0f ? 1.0f / d : 0.0f; // the float32 d, not its fp16 rounding
        LittleEndian.putF16(dst, offset, d);
        for (int j = 0; j < QK; j++) {
            LittleEndian.putI8(dst, offset + 2 + j, GgmlRound.roundHalfAway(src[srcOffset + j] * id));
        }
    }
}
