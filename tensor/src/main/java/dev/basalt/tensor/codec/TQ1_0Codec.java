package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * TQ1_0 (ternary, 1.6875 bits per weight), 256 elements in 54 bytes: {@code qs[48]} holding 5 ternary digits
 * per byte, {@code qh[4]} holding 4, then fp16 {@code d}; value (digit - 1) * d.
 * <p>
 * A byte stores its digits as a fixed-point fraction: with v the base-3 number of the digits (first digit most
 * significant, 0..242), the byte is ceil(v * 256 / 243). Digit n is then read without division as
 * {@code ((uint8)(b * 3^n) * 3) >> 8}: multiplying by 3^n shifts the fraction n digits left, the uint8
 * wrap drops the digits before it, and (* 3) >> 8 takes the integer part of the next one.
 * Element order: qs[m] for m < 32 holds elements 32n + m (digit n = 0..4), qs[32 + m] for m < 16 holds
 * 160 + 16n + m, qh[j] holds 240 + 4n + j (n = 0..3; its 5th digit is always 0).
 */
final class TQ1_0Codec implements BlockCodec {
    private static final int QK = 256;
    private static final int QS = 0;
    private static final int QH = 48;
    private static final int D = 52;
    private static final int[] POW3 = {1, 3, 9, 27, 81, 243};

    @Override
    public GgmlType type() {
        return GgmlType.TQ1_0;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset + D);
        int y = dstOffset;
        for (int n = 0; n < 5; n++) {
            for (int m = 0; m < 32; m++) {
                dst[y++] = (digit(LittleEndian.u8(src, offset + QS + m), n) - 1) * d;
            }
        }
        for (int n = 0; n < 5; n++) {
            for (int m = 0; m < 16; m++) {
                dst[y++] = (digit(LittleEndian.u8(src, offset + QS + 32 + m), n) - 1) * d;
            }
        }
        for (int n = 0; n < 4; n++) {
            for (int j = 0; j < 4; j++) {
                dst[y++] = (digit(LittleEndian.u8(src, offset + QH + j), n) - 1) * d;
            }
        }
    }

    private static int digit(int b, int n) {
        int q = (b * POW3[n]) & 0xFF;
        return (q * 3) >>> 8;
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** d = absmax, digit = lroundf(x * (1/d)) + 1 (halves away from zero), packed as described above. */
    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        float amax = GgmlRound.absMax(src, srcOffset, QK);
        float d = amax;
        float id = d != 0.0f ? 1.0f / d : 0.0f;
        for (int m = 0; m < 32; m++) {
            LittleEndian.putI8(dst, offset + QS + m, pack(src, srcOffset + m, 32, 5, id));
        }
        for (int m = 0; m < 16; m++) {
            LittleEndian.putI8(dst, offset + QS + 32 + m, pack(src, srcOffset + 160 + m, 16, 5, id));
        }
        for (int j = 0; j < 4; j++) {
            LittleEndian.putI8(dst, offset + QH + j, pack(src, srcOffset + 240 + j, 4, 4, id));
        }
        LittleEndian.putF16(dst, offset + D, d);
    }

    /** {@code digits} ternary digits of x[first + k * stride], most significant first, padded to 5, as a byte. */
    private static int pack(float[] x, int first, int stride, int digits, float id) {
        int v = 0;
        for (int k = 0; k < digits; k++) {
            v = v * 3 + GgmlRound.roundHalfAway(x[first + k * stride] * id) + 1;
        }
        for (int k = digits; k < 5; k++) {
            v *= 3; // shift to the most significant digit
        }
        v &= 0xFF; // ggml accumulates in a uint8 (in range for digits 0..2)
        return (v * 256 + (243 - 1)) / 243; // ceiling division
    }
}
