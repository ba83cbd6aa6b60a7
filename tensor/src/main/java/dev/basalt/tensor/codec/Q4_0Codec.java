package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q4_0, 32 elements in 18 bytes: fp16 {@code d}, then 16 bytes of 4-bit quants. Byte j holds element j in its
 * low nibble and element j + 16 in its high nibble; the value is (q - 8) * d.
 */
final class Q4_0Codec implements BlockCodec {
    private static final int QK = 32;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset);
        for (int j = 0; j < QK / 2; j++) {
            int b = LittleEndian.u8(src, offset + 2 + j);
            dst[dstOffset + j] = ((b & 0x0F) - 8) * d;
            dst[dstOffset + j + QK / 2] = ((b >>> 4) - 8) * d;
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        // d maps the signed extreme (the first one of largest magnitude) to -8, so it can be stored exactly;
        // the opposite side then reaches +8, which is clamped to 15 (7 * d).
        float amax = 0.0f;
        float max = 0.0f;
        for (int j = 0; j < QK; j++) {
            float v = src[srcOffset + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0.0f ? 1.0f / d : 0.0f; // ggml multiplies by 1/d, which rounds differently from x / d
        LittleEndian.putF16(dst, offset, d);
        for (int j = 0; j < QK / 2; j++) {
            int q0 = quant(src[srcOffset + j] * id);
            int q1 = quant(src[srcOffset + j + QK / 2] * id);
            LittleEndian.putI8(dst, offset + 2 + j, q0 | (q1 << 4));
        }
    }

    /** ggml's {@code MIN(15, (int8_t)(x + 8.5f))}: rounding by truncation of x + 8.5 (x is about -8 at least, so the sum stays positive). */
    private static int quant(float x) {
        return Math.min(15, (byte) (int) (x + 8.5f)) & 0xFF;
    }
}
