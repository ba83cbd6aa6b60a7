package dev.basalt.tensor.codec;

/**
 * E2M1, the 4-bit float element of MXFP4 and NVFP4, as ggml stores it: a nibble indexes
 * {@code kvalues_mxfp4}, the E2M1 values {0, 0.5, 1, 1.5, 2, 3, 4, 6} (bit 3 = sign) doubled so they are
 * integers; the block scale is halved to compensate.
 */
final class E2M1 {
    private E2M1() {
    }

    /** ggml's {@code kvalues_mxfp4}: doubled E2M1 values; index 8 is "-0" and decodes to 0. */
    static final byte[] VALUES = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

    /**
     * ggml's {@code best_index_mxfp4}: the index whose {@code VALUES[i] * d} is nearest to x, computed as
     * {@code |VALUES[i]*d - x|} in float32 and scanned in index order with a strict comparison, so the lower
     * index wins ties: a midpoint goes to the smaller magnitude (for either sign), and 0 or -0.0 to index 0.
     */
    static int nearestIndex(float x, float d) {
        int best = 0;
        float bestErr = Math.abs(VALUES[0] * d - x);
        for (int i = 1; i < 16; i++) {
            float err = Math.abs(VALUES[i] * d - x);
            if (err < bestErr) {
                best = i;
                bestErr = err;
            }
        }
        return best;
    }
}
