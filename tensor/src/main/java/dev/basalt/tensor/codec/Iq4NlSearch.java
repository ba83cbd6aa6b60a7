package dev.basalt.tensor.codec;

/**
 * The quantizer core IQ4_NL and IQ4_XS share, ggml's {@code quantize_row_iq4_nl_impl} without importance weights
 * (weights x^2), as {@code quantize_iq4_nl} / {@code quantize_iq4_xs} call it ({@code ntry = 7}).
 *
 * <p>Each 32-element block gets a scale: start from d = -max/127 (max = the signed value of largest magnitude),
 * take the least-squares scale of the nearest grid indices, then try the inverse scales (itry - 127) / max for
 * itry = -7..7 and keep one whose sum(w x q)^2 / sum(w q^2) is strictly better. With one block per super-block
 * (IQ4_NL) that scale is stored as fp16 and the indices are recomputed with 1 / scale (the float, not the fp16).
 * With several (IQ4_XS) the block scales are quantized to 6 bits (l - 32 in -32..31) against
 * d = -(signed max scale) / 32 and each block's indices are recomputed against d * l.
 */
final class Iq4NlSearch {
    static final int BLOCK = 32;

    private Iq4NlSearch() {
    }

    /**
     * A quantized super-block: fp16 bits of d, the 6-bit block scales (l + 32; empty for one block), and the
     * nibbles, 16 bytes per 32 elements with element j in the low and j + 16 in the high nibble of byte j.
     */
    record Result(short d, int[] scales, byte[] qs) {
    }

    static Result quantize(float[] x, int xOff, int superBlockSize) {
        final int ntry = 7;
        final byte[] values = Iq4NlValues.VALUES;
        int nb = superBlockSize / BLOCK;
        int[] L = new int[superBlockSize];
        float[] scales = new float[nb];
        float[] weight = new float[BLOCK];

        float maxScale = 0;
        float amaxScale = 0;
        for (int ib = 0; ib < nb; ib++) {
            int xb = xOff + ib * BLOCK;
            for (int j = 0; j < BLOCK; j++) {
                weight[j] = x[xb + j] * x[xb + j];
            }
            float amax = 0;
            float max = 0;
            for (int j = 0; j < BLOCK; j++) {
                float ax = Math.abs(x[xb + j]);
                if (ax > amax) {
                    amax = ax;
                    max = x[xb + j];
                }
            }
            if (amax < SymmetricScaleSearch.GROUP_MAX_EPS) {
                scales[ib] = 0;
                continue;
            }
            float d = -max / values[0];
            float id = 1 / d;
            float sumqx = 0;
            float sumq2 = 0;
            for (int j = 0; j < BLOCK; j++) {
                int l = Iq4NlValues.bestIndex(id * x[xb + j]);
                L[ib * BLOCK + j] = l;
                float q = values[l];
                float w = weight[j];
                sumqx += w * q * x[xb + j];
                sumq2 += w * q * q;
            }
            d = sumq2 > 0 ? sumqx / sumq2 : 0f;
            float best = d * sumqx;
            for (int itry = -ntry; itry <= ntry; itry++) {
                id = (itry + values[0]) / max;
                sumqx = 0;
                sumq2 = 0;
                for (int j = 0; j < BLOCK; j++) {
                    float q = values[Iq4NlValues.bestIndex(id * x[xb + j])];
                    float w = weight[j];
                    sumqx += w * q * x[xb + j];
                    sumq2 += w * q * q;
                }
                if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                    d = sumqx / sumq2;
                    best = d * sumqx;
                }
            }
            scales[ib] = d;
            float absD = Math.abs(d);
            if (absD > amaxScale) {
                amaxScale = absD;
                maxScale = d;
            }
        }

        short dh;
        int[] blockScales = new int[nb > 1 ? nb : 0];
        if (nb > 1) {
            float d = -maxScale / 32;
            dh = Float.floatToFloat16(d);
            float id = d != 0 ? 1 / d : 0f;
            for (int ib = 0; ib < nb; ib++) {
                int l = Math.max(-32, Math.min(31, GgmlRound.nearestEven(id * scales[ib])));
                float dl = d * l;
                float idl = dl != 0 ? 1 / dl : 0f;
                for (int j = 0; j < BLOCK; j++) {
                    L[ib * BLOCK + j] = Iq4NlValues.bestIndex(idl * x[xOff + ib * BLOCK + j]);
                }
                blockScales[ib] = l + 32;
            }
        } else {
            dh = Float.floatToFloat16(scales[0]);
            float id = scales[0] != 0 ? 1 / scales[0] : 0f;
            for (int j = 0; j < superBlockSize; j++) {
                L[j] = Iq4NlValues.bestIndex(id * x[xOff + j]);
            }
        }

        byte[] qs = new byte[superBlockSize / 2];
        for (int i = 0; i < superBlockSize / BLOCK; i++) {
            for (int j = 0; j < 16; j++) {
                qs[16 * i + j] = (byte) (L[BLOCK * i + j] | L[BLOCK * i + 16 + j] << 4);
            }
        }
        return new Result(dh, blockScales, qs);
    }
}
