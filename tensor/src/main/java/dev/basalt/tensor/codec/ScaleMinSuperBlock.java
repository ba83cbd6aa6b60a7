package dev.basalt.tensor.codec;

/**
 * The quantizer layer Q4_K and Q5_K share ({@code quantize_row_q4_K_ref} / {@code quantize_row_q5_K_ref}): a
 * 256-element super-block is cut into eight 32-element sub-blocks, each fitted with {@link ScaleMinSearch}
 * (weights sqrt(mean x^2) + |x|); the eight scales and eight mins are then quantized to 6 bits against fp16
 * super-scales d = max scale / 63 and dmin = max min / 63, and every element is re-quantized against the scale and
 * min that the block really stores (fp16 d times 6-bit value), since that is what the dequantizer will use.
 */
final class ScaleMinSuperBlock {
    static final int SUB_BLOCKS = 8;
    static final int SUB_BLOCK_SIZE = 32;

    private ScaleMinSuperBlock() {
    }

    /** The block header: fp16 bits of d and dmin and the packed 12-byte scales field. */
    record Header(short d, short dmin, byte[] scales) {
    }

    /**
     * Quantizes {@code x[xOff .. xOff+256)}; writes the quants (0..nmax) to {@code L[0..256)}.
     *
     * @param rmin first candidate offset of the scale search (ggml: -1 for Q4_K, -0.5 for Q5_K)
     * @param nstep number of further candidates, each 0.1 apart (ggml: 20 for Q4_K, 15 for Q5_K)
     */
    static Header quantize(float[] x, int xOff, int nmax, float rmin, int nstep, int[] L) {
        float[] scales = new float[SUB_BLOCKS];
        float[] mins = new float[SUB_BLOCKS];
        float[] weights = new float[SUB_BLOCK_SIZE];
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < SUB_BLOCKS; j++) {
            int base = xOff + SUB_BLOCK_SIZE * j;
            float sumX2 = 0;
            for (int l = 0; l < SUB_BLOCK_SIZE; l++) {
                sumX2 += x[base + l] * x[base + l];
            }
            float avX = (float) Math.sqrt(sumX2 / SUB_BLOCK_SIZE); // correctly rounded, as sqrtf
            for (int l = 0; l < SUB_BLOCK_SIZE; l++) {
                weights[l] = avX + Math.abs(x[base + l]);
            }
            ScaleMinSearch.Fit fit = ScaleMinSearch.fit(SUB_BLOCK_SIZE, nmax, x, base, weights, L,
                    SUB_BLOCK_SIZE * j, rmin, 0.1f, nstep, false);
            scales[j] = fit.scale();
            mins[j] = fit.min();
            if (scales[j] > maxScale) {
                maxScale = scales[j];
            }
            if (mins[j] > maxMin) {
                maxMin = mins[j];
            }
        }

        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        int[] ls = new int[SUB_BLOCKS];
        int[] lm = new int[SUB_BLOCKS];
        for (int j = 0; j < SUB_BLOCKS; j++) {
            // ggml stores nearest_int into a uint8_t before clamping to 63: keep that truncation
            ls[j] = Math.min(63, GgmlRound.nearestEven(invScale * scales[j]) & 0xFF);
            lm[j] = Math.min(63, GgmlRound.nearestEven(invMin * mins[j]) & 0xFF);
        }
        byte[] packed = ScaleMinPacking.encode(ls, lm);
        short d = Float.floatToFloat16(maxScale / 63f);
        short dmin = Float.floatToFloat16(maxMin / 63f);

        for (int j = 0; j < SUB_BLOCKS; j++) {
            float dl = Float.float16ToFloat(d) * ls[j];
            if (dl == 0) {
                continue; // keeps the search's quants, as ggml does
            }
            float ml = Float.float16ToFloat(dmin) * lm[j];
            for (int ii = 0; ii < SUB_BLOCK_SIZE; ii++) {
                int l = GgmlRound.nearestEven((x[xOff + SUB_BLOCK_SIZE * j + ii] + ml) / dl);
                L[SUB_BLOCK_SIZE * j + ii] = Math.max(0, Math.min(nmax, l));
            }
        }
        return new Header(d, dmin, packed);
    }
}
