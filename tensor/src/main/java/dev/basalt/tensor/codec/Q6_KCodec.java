package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q6_K ({@code block_q6_K}, 256 elements, 210 bytes): 128 bytes ql (low 4 bits), 64 bytes qh (high 2 bits),
 * 16 int8 scales (one per 16 elements), fp16 d. In half h (elements 128h..128h+127, ql from byte 64h, qh from
 * byte 32h) element 128h + 32k + l (k = 0..3, l = 0..31) takes its low bits from ql[l + 32(k&1)] (low nibble for
 * k &lt; 2, high nibble otherwise) and its high bits from bits 2k..2k+1 of qh[l]; the quant is that 6-bit value
 * minus 32. Value (d * scale) * q: d * scale is rounded first.
 *
 * <p>Quantizer: ggml's {@code quantize_row_q6_K_ref}. Each 16-element group is fitted with
 * {@link SymmetricScaleSearch} (nmax 32); the group scales become int8 against d = -(signed scale of largest
 * magnitude) / 128, and the elements are re-quantized against the stored scales.
 */
final class Q6_KCodec implements BlockCodec {
    private static final int QL = 0;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset + D);
        for (int i = 0; i < 256; i++) {
            int h = i >> 7;
            int k = (i >> 5) & 3;
            int l = i & 31;
            int low = LittleEndian.u8(src, offset + QL + 64 * h + l + 32 * (k & 1)) >> (4 * (k >> 1)) & 0xF;
            int high = (LittleEndian.u8(src, offset + QH + 32 * h + l) >> (2 * k)) & 3;
            int q = (low | high << 4) - 32;
            dst[dstOffset + i] = d * LittleEndian.i8(src, offset + SCALES + (i >> 4)) * q;
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        int[] L = new int[256];
        float[] scales = new float[16];
        float maxScale = 0;
        float maxAbsScale = 0;
        for (int g = 0; g < 16; g++) {
            scales[g] = SymmetricScaleSearch.fit(16, 32, src, srcOffset + 16 * g, L, 16 * g);
            float a = Math.abs(scales[g]);
            if (a > maxAbsScale) {
                maxAbsScale = a;
                maxScale = scales[g];
            }
        }
        if (maxAbsScale < SymmetricScaleSearch.GROUP_MAX_EPS) {
            dst.asSlice(offset, GgmlType.Q6_K.bytesPerBlock()).fill((byte) 0);
            return;
        }

        float iscale = -128f / maxScale;
        short d = Float.floatToFloat16(1 / iscale);
        byte[] sc = new byte[16];
        for (int g = 0; g < 16; g++) {
            sc[g] = (byte) Math.min(127, GgmlRound.nearestEven(iscale * scales[g]));
        }
        for (int g = 0; g < 16; g++) {
            float dl = Float.float16ToFloat(d) * sc[g];
            if (dl == 0) {
                continue; // keeps the search's quants, as ggml does
            }
            for (int ii = 0; ii < 16; ii++) {
                int l = GgmlRound.nearestEven(src[srcOffset + 16 * g + ii] / dl);
                L[16 * g + ii] = Math.max(-32, Math.min(31, l)) + 32;
            }
        }

        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int j = 128 * h + l;
                int q1 = L[j];
                int q2 = L[j + 32];
                int q3 = L[j + 64];
                int q4 = L[j + 96];
                LittleEndian.putI8(dst, offset + QL + 64 * h + l, (q1 & 0xF) | (q3 & 0xF) << 4);
                LittleEndian.putI8(dst, offset + QL + 64 * h + l + 32, (q2 & 0xF) | (q4 & 0xF) << 4);
                int qh = (q1 >> 4) | (q2 >> 4) << 2 | (q3 >> 4) << 4 | (q4 >> 4) << 6;
                LittleEndian.putI8(dst, offset + QH + 32 * h + l, qh);
            }
        }
        for (int g = 0; g < 16; g++) {
            LittleEndian.putI8(dst, offset + SCALES + g, sc[g]);
        }
        LittleEndian.putU16(dst, offset + D, d);
    }
}
