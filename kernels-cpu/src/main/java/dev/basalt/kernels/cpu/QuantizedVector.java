package dev.basalt.kernels.cpu;

/**
 * One activation row in the form a weight format's dot product consumes (ggml's {@code vec_dot_type}), kept
 * unpacked in plain arrays rather than in ggml's block bytes: the values for float formats, the int8 quants with
 * each block's scale for the 8-bit formats, plus the block sums Q8_1 ({@code s}) and Q8_K ({@code bsums}) carry.
 * A reusable scratch object: {@link ActivationFormat#quantize} refills it.
 */
final class QuantizedVector {
    /** F32 / F16: the (possibly F16-rounded) values. */
    float[] values = new float[0];
    /** Q8_0 / Q8_1 / Q8_K: the quants. */
    byte[] quants = new byte[0];
    /**
     * Q8_0 / Q8_1 / Q8_K: the same quants as floats, for the SIMD kernels: their products with weight quants are
     * small integers, exact in float32, so float multiply-adds give the integer block sums exactly.
     */
    float[] quantValues = new float[0];
    /** Q8_0 / Q8_1: fp16 {@code d} widened; Q8_K: float32 {@code d}; one per block. */
    float[] scales = new float[0];
    /** Q8_1: fp16 {@code s} = d * sum of the block's quants, widened; one per block. */
    float[] sums = new float[0];
    /** Q8_K: sum of each group of 16 quants. */
    int[] groupSums = new int[0];
    /** Q8_K: sum of each 32 quants (two groups), for the formats with 32-element sub-blocks. */
    int[] pairSums = new int[0];
    int length;

    void ensure(int n, ActivationFormat format) {
        length = n;
        switch (format) {
            case F32, F16 -> {
                if (values.length < n) {
                    values = new float[n];
                }
            }
            case Q8_0, Q8_1, Q8_K -> {
                int blocks = n / format.blockSize();
                if (quants.length < n) {
                    quants = new byte[n];
                    quantValues = new float[n];
                }
                if (scales.length < blocks) {
                    scales = new float[blocks];
                    sums = new float[blocks];
                }
                if (groupSums.length < n / 16) {
                    groupSums = new int[n / 16];
                    pairSums = new int[n / 32];
                }
            }
        }
    }
}
