package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q3_K ({@code block_q3_K}, 256 elements, 110 bytes): 32 bytes hmask (the third bit of element e is bit e/32 of
 * hmask[e%32]), 64 bytes of low 2 bits ({@link TwoBitPacking}), 12 bytes of sixteen 6-bit scales
 * ({@link Q3KScalePacking}), fp16 d. The quant is q2 - 4 when the hmask bit is clear, q2 when set (-4..3).
 * Value (d * (scale - 32)) * q.
 *
 * <p>Quantizer: ggml's {@code quantize_row_q3_K_ref}. Each 16-element group is fitted with
 * {@link RefinedScaleSearch}; the signed group scales are quantized to 6 bits against d = -(signed scale of
 * largest magnitude) / 32, and the elements are re-quantized against the stored scales.
 */
final class Q3_KCodec implements BlockCodec {
    private static final int HMASK = 0;
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset + D);
        for (int g = 0; g < 16; g++) {
            float dl = d * (Q3KScalePacking.get(src, offset + SCALES, g) - 32);
            for (int i = 16 * g; i < 16 * g + 16; i++) {
                boolean high = ((LittleEndian.u8(src, offset + HMASK + (i & 31)) >> (i >> 5)) & 1) != 0;
                int q = TwoBitPacking.get(src, offset + QS, i) - (high ? 0 : 4);
                dst[dstOffset + i] = dl * q;
            }
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
        float amax = 0;
        for (int g = 0; g < 16; g++) {
            scales[g] = RefinedScaleSearch.fit(16, 4, src, srcOffset + 16 * g, L, 16 * g);
            float a = Math.abs(scales[g]);
            if (a > amax) {
                amax = a;
                maxScale = scales[g];
            }
        }

        int[] six = new int[16];
        short d;
        if (maxScale != 0) {
            float iscale = -32f / maxScale;
            for (int g = 0; g < 16; g++) {
                byte l = (byte) GgmlRound.nearestEven(iscale * scales[g]); // ggml keeps it in an int8_t before clamping
                six[g] = Math.max(-32, Math.min(31, l)) + 32;
            }
            d = Float.floatToFloat16(1 / iscale);
        } else {
            d = Float.floatToFloat16(0f);
        }
        byte[] packed = Q3KScalePacking.encode(six);

        for (int g = 0; g < 16; g++) {
            float dl = Float.float16ToFloat(d) * (Q3KScalePacking.get(packed, g) - 32);
            if (dl == 0) {
                continue; // keeps the search's quants, as ggml does
            }
            for (int ii = 0; ii < 16; ii++) {
                int l = GgmlRound.nearestEven(src[srcOffset + 16 * g + ii] / dl);
                L[16 * g + ii] = Math.max(-4, Math.min(3, l)) + 4;
            }
        }

        int[] hmask = new int[32];
        for (int i = 0; i < 256; i++) {
            if (L[i] > 3) {
                hmask[i & 31] |= 1 << (i >> 5);
                L[i] -= 4;
            }
        }
        for (int l = 0; l < 32; l++) {
            LittleEndian.putI8(dst, offset + HMASK + l, hmask[l]);
        }
        TwoBitPacking.put(L, dst, offset + QS);
        MemorySegment.copy(MemorySegment.ofArray(packed), 0, dst, offset + SCALES, Q3KScalePacking.BYTES);
        LittleEndian.putU16(dst, offset + D, d);
    }
}
