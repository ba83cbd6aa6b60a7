package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q8_1, 32 elements in 36 bytes: fp16 {@code d}, fp16 {@code s} = d * (sum of the 32 quants), then 32 int8
 * quants; value q * d. {@code s} lets a dot product against Q4_1/Q5_1 fold in the other side's minimum; it is
 * not needed to decode (ggml has no Q8_1 dequantizer; this one is q * d like Q8_0).
 */
final class Q8_1Codec implements BlockCodec {
    private static final int QK = 32;

    @Override
    public GgmlType type() {
        return GgmlType.Q8_1;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset);
        for (int j = 0; j < QK; j++) {
            dst[dstOffset + j] = LittleEndian.i8(src, offset + 4 + j) * d;
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** Quants as Q8_0's reference quantizer; {@code s} is fp16 of (int sum) * (float32 d), one rounding in float32. */
    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        float amax = GgmlRound.absMax(src, srcOffset, QK);
        float d = amax / ((1 << 7) - 1);
        float id = d != 0.0f ? 1.0f / d : 0.0f;
        LittleEndian.putF16(dst, offset, d);
        int sum = 0;
        for (int j = 0; j < QK; j++) {
            int q = GgmlRound.roundHalfAway(src[srcOffset + j] * id);
            LittleEndian.putI8(dst, offset + 4 + j, q);
            sum += q;
        }
        LittleEndian.putF16(dst, offset + 2, sum * d);
    }
}
