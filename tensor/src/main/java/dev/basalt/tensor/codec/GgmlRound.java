package dev.basalt.tensor.codec;

/**
 * The two float-to-int roundings ggml's quantizers use, and the block maximum most of them start from. Java's {@link Math#round(float)} is neither (it rounds
 * halves up, so -2.5 gives -2), hence these.
 */
final class GgmlRound {
    private GgmlRound() {
    }

    /**
     * C's {@code roundf}/{@code lroundf}: nearest integer, halves away from zero. Computed in double, where
     * {@code |x| + 0.5} is exact for every float (in float32, 0.49999997f + 0.5f would round up to 1).
     * The result is returned as an int (ggml stores it into int8 or a small int); |x| must fit an int.
     */
    static int roundHalfAway(float x) {
        double r = Math.floor(Math.abs((double) x) + 0.5);
        return (int) (x < 0 ? -r : r);
    }

    /**
     * ggml's {@code nearest_int}: adding 1.5 * 2^23 pushes the fraction out of the float32 mantissa, so the
     * addition itself rounds to nearest, ties to even; the integer is read back from the low mantissa bits.
     * Valid for |x| <= 4194303.
     */
    static int nearestEven(float x) {
        float v = x + 12582912.0f;
        return (Float.floatToRawIntBits(v) & 0x007FFFFF) - 0x00400000;
    }

    /** max |x| over {@code src[offset .. offset + n)}, as ggml's {@code MAX(amax, fabsf(x))} loop (a NaN propagates). */
    static float absMax(float[] src, int offset, int n) {
        float amax = 0.0f;
        for (int j = 0; j < n; j++) {
            amax = Math.max(amax, Math.abs(src[offset + j]));
        }
        return amax;
    }
}
