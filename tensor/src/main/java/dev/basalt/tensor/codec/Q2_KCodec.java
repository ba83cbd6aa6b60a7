package dev.basalt.tensor.codec;

import dev.basalt.tensor.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Q2_K ({@code block_q2_K}, 256 elements, 84 bytes): 16 scale bytes (one per 16 elements: low nibble scale, high
 * nibble min), 64 bytes of 2-bit quants ({@link TwoBitPacking}), fp16 d, fp16 dmin.
 * Value (d * scale) * q - (dmin * min): the two products are rounded separately before the subtraction.
 *
 * <p>Quantizer: ggml's {@code quantize_row_q2_K_ref}. Each 16-element group is fitted with {@link ScaleMinSearch}
 * (weights |x|, absolute error); scales and mins are quantized to 4 bits against d = max scale / 15 and
 * dmin = max min / 15, and the elements are re-quantized against the stored values.
 */
final class Q2_KCodec implements BlockCodec {
    private static final int SCALES = 0;
    private static final int QS = 16;
    private static final int D = 80;
    private static final int DMIN = 82;

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    @Override
    public void dequantizeBlock(MemorySegment src, long offset, float[] dst, int dstOffset) {
        float d = LittleEndian.f16(src, offset + D);
        float dmin = LittleEndian.f16(src, offset + DMIN);
        for (int g = 0; g < 16; g++) {
            int sc = LittleEndian.u8(src, offset + SCALES + g);
            float dl = d * (sc & 0xF);
            float ml = dmin * (sc >> 4);
            for (int i = 16 * g; i < 16 * g + 16; i++) {
                dst[dstOffset + i] = dl * TwoBitPacking.get(src, offset + QS, i) - ml;
            }
        }
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantizeBlock(float[] src, int srcOffset, MemorySegment dst, long offset) {
        final float q4scale = 15f;
        int[] L = new int[256];
        float[] weights = new float[16];
        float[] scales = new float[16];
        float[] mins = new float[16];
        float maxScale = 0;
        float maxMin = 0;
        for (int g = 0; g < 16; g++) {
            for (int l = 0; l < 16; l++) {
                weights[l] = Math.abs(src[srcOffset + 16 * g + l]);
            }
            ScaleMinSearch.Fit fit = ScaleMinSearch.fit(16, 3, src, srcOffset + 16 * g, weights, L, 16 * g,
                    -0.5f, 0.1f, 15, true);
            scales[g] = fit.scale();
            mins[g] = fit.min();
            if (scales[g] > maxScale) {
                maxScale = scales[g];
            }
            if (mins[g] > maxMin) {
                maxMin = mins[g];
            }
        }

        int[] sc = new int[16]; // the scale bytes; ggml writes ints into uint8_t, so keep 8 bits
        short d;
        short dmin;
        if (maxScale > 0) {
            float iscale = q4scale / maxScale;
            for (int g = 0; g < 16; g++) {
                sc[g] = GgmlRound.nearestEven(iscale * scales[g]) & 0xFF;
            }
            d = Float.floatToFloat16(maxScale / q4scale);
        } else {
            d = Float.floatToFloat16(0f);
        }
        if (maxMin > 0) {
            float iscale = q4scale / maxMin;
            for (int g = 0; g < 16; g++) {
                sc[g] = (sc[g] | GgmlRound.nearestEven(iscale * mins[g]) << 4) & 0xFF;
            }
            dmin = Float.floatToFloat16(maxMin / q4scale);
        } else {
            dmin = Float.floatToFloat16(0f);
        }

        for (int g = 0; g < 16; g++) {
            float dl = Float.float16ToFloat(d) * (sc[g] & 0xF);
            if (dl == 0) {
                continue; // keeps the search's quants, as ggml does
            }
            float ml = Float.float16ToFloat(dmin) * (sc[g] >> 4);
            for (int ii = 0; ii < 16; ii++) {
                int l = GgmlRound.nearestEven((src[srcOffset + 16 * g + ii] + ml) / dl);
                L[16 * g + ii] = Math.max(0, Math.min(3, l));
            }
        }

        for (int g = 0; g < 16; g++) {
            LittleEndian.putI8(dst, offset + SCALES + g, sc[g]);
        }
        TwoBitPacking.put(L, dst, offset + QS);
        LittleEndian.putU16(dst, offset + D, d);
        LittleEndian.putU16(dst, offset + DMIN, dmin);
    }
}
