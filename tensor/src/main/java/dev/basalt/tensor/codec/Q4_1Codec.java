package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q4_1, 32 elements in 20 bytes: fp16 {@code d}, fp16 {@code m} (the block minimum), then 16 bytes of 4-bit
 * quants arranged as Q4_0 (low nibble of byte j = element j, high nibble = element j + 16); value q * d + m,
 * multiplied then added as two float32 roundings (no fused multiply-add).
 */
final class Q4_1Codec implements BlockCodec {
    private static final int QK = 32;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset);
        float m = LittleEndian.f16(src, offset + 2);
        for (int j = 0; j < QK / 2; j++) {
            int b = LittleEndian.u8(src, offset + 4 + j);
            dst[dstOffset + j] = (b & 0x0F) * d + m;
            dst[dstOffset + j + QK / 2] = (b >>> 4) * d + m;
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < QK; j++) {
            float v = src[srcOffset + j];
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        float d = (max - min) / ((1 << 4) - 1); // a true division by 15, as ggml
        float id = d != 0.0f ? 1.0f / d : 0.0f;
        LittleEndian.putF16(dst, offset, d);
        LittleEndian.putF16(dst, offset + 2, min);
        for (int j = 0; j < QK / 2; j++) {
            // the unrounded float32 min is subtracted, not the stored fp16 one
            int q0 = quant((src[srcOffset + j] - min) * id);
            int q1 = quant((src[srcOffset + j + QK / 2] - min) * id);
            LittleEndian.putI8(dst, offset + 4 + j, q0 | (q1 << 4));
        }
    }

    /** ggml's {@code MIN(15, (int8_t)(x + 0.5f))}: round half up by truncation, x >= 0. */
    private static int quant(float x) {
        return Math.min(15, (byte) (int) (x + 0.5f)) & 0xFF;
    }
}
