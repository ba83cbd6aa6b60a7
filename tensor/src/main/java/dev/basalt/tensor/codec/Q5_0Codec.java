package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q5_0, 32 elements in 22 bytes: fp16 {@code d}; {@code qh}, 4 bytes read as one little-endian uint32 whose
 * bit j is the 5th bit of element j; then 16 bytes of low nibbles arranged as Q4_0 (low nibble of byte j =
 * element j, high nibble = element j + 16). Value (q - 16) * d.
 */
final class Q5_0Codec implements BlockCodec {
    private static final int QK = 32;

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset);
        int qh = LittleEndian.i32(src, offset + 2);
        for (int j = 0; j < QK / 2; j++) {
            int b = LittleEndian.u8(src, offset + 6 + j);
            int q0 = (b & 0x0F) | ((qh >>> j) & 1) << 4;
            int q1 = (b >>> 4) | ((qh >>> (j + QK / 2)) & 1) << 4;
            dst[dstOffset + j] = (q0 - 16) * d;
            dst[dstOffset + j + QK / 2] = (q1 - 16) * d;
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        // as Q4_0: the first signed extreme maps to -16, the other side's +16 is clamped to 31
        float amax = 0.0f;
        float max = 0.0f;
        for (int j = 0; j < QK; j++) {
            float v = src[srcOffset + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -16;
        float id = d != 0.0f ? 1.0f / d : 0.0f;
        LittleEndian.putF16(dst, offset, d);
        int qh = 0;
        for (int j = 0; j < QK / 2; j++) {
            int q0 = quant(src[srcOffset + j] * id);
            int q1 = quant(src[srcOffset + j + QK / 2] * id);
            LittleEndian.putI8(dst, offset + 6 + j, (q0 & 0x0F) | ((q1 & 0x0F) << 4));
            qh |= ((q0 >>> 4) & 1) << j;
            qh |= ((q1 >>> 4) & 1) << (j + QK / 2);
        }
        LittleEndian.putI32(dst, offset + 2, qh);
    }

    /** ggml's {@code MIN(31, (int8_t)(x + 16.5f))}: rounding by truncation, x >= -16. */
    private static int quant(float x) {
        return Math.min(31, (byte) (int) (x + 16.5f)) & 0xFF;
    }
}
