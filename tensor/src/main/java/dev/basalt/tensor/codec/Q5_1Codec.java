package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q5_1, 32 elements in 24 bytes: fp16 {@code d}, fp16 {@code m} (block minimum), {@code qh} (uint32 LE, bit j =
 * 5th bit of element j), 16 bytes of low nibbles arranged as Q4_0; value q * d + m (multiply, then add).
 */
final class Q5_1Codec implements BlockCodec {
    private static final int QK = 32;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_1;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset);
        float m = LittleEndian.f16(src, offset + 2);
        int qh = LittleEndian.i32(src, offset + 4);
        for (int j = 0; j < QK / 2; j++) {
            int b = LittleEndian.u8(src, offset + 8 + j);
            int q0 = (b & 0x0F) | ((qh >>> j) & 1) << 4;
            int q1 = (b >>> 4) | ((qh >>> (j + QK / 2)) & 1) << 4;
            dst[dstOffset + j] = q0 * d + m;
            dst[dstOffset + j + QK / 2] = q1 * d + m;
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
        float d = (max - min) / ((1 << 5) - 1); // a true division by 31, as ggml
        float id = d != 0.0f ? 1.0f / d : 0.0f;
        LittleEndian.putF16(dst, offset, d);
        LittleEndian.putF16(dst, offset + 2, min);
        int qh = 0;
        for (int j = 0; j < QK / 2; j++) {
            // ggml's (uint8_t)(x + 0.5f): round half up by truncation, no clamp (x <= 31 + rounding)
            int q0 = ((int) ((src[srcOffset + j] - min) * id + 0.5f)) & 0xFF;
            int q1 = ((int) ((src[srcOffset + j + QK / 2] - min) * id + 0.5f)) & 0xFF;
            LittleEndian.putI8(dst, offset + 8 + j, (q0 & 0x0F) | ((q1 & 0x0F) << 4));
            qh |= ((q0 >>> 4) & 1) << j;
            qh |= ((q1 >>> 4) & 1) << (j + QK / 2);
        }
        LittleEndian.putI32(dst, offset + 4, qh);
    }
}
