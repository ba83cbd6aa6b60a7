package dev.basalt.tensor.codec;

/**
 * The 16-entry non-linear grid of IQ4_NL and IQ4_XS ({@code kvalues_iq4nl}) and ggml's nearest-entry lookup.
 */
final class Iq4NlValues {
    /** A 4-bit quant q stands for VALUES[q] times the block scale. */
    static final byte[] VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    private Iq4NlValues() {
    }

    /**
     * ggml's {@code best_index_int8}: the index of the entry nearest to {@code x} by binary search; on an exact
     * midpoint the upper entry wins (the comparison is a strict {@code <}).
     */
    static int bestIndex(float x) {
        byte[] v = VALUES;
        int n = v.length;
        if (x <= v[0]) {
            return 0;
        }
        if (x >= v[n - 1]) {
            return n - 1;
        }
        int ml = 0;
        int mu = n - 1;
        while (mu - ml > 1) {
            int mav = (ml + mu) / 2;
            if (x < v[mav]) {
                mu = mav;
            } else {
                ml = mav;
            }
        }
        return x - v[mu - 1] < v[mu] - x ? mu - 1 : mu;
    }
}
