package dev.basalt.tensor.codec;

/**
 * E8M0: an unsigned 8-bit biased exponent (bias 127) with no mantissa, the shared scale of MXFP4 blocks;
 * code e means 2^(e - 127).
 */
final class E8M0 {
    private E8M0() {
    }

    /**
     * Half the value of code {@code e}, i.e. 2^(e - 128), built from bits as ggml does. MXFP4's nibble table
     * holds E2M1 values doubled, so ggml scales it by half the E8M0 value. Codes 0 and 1 give the float32
     * subnormals 2^-128 and 2^-127; 255 is not treated as NaN (ggml does not either).
     */
    static float toFloatHalf(int e) {
        e &= 0xFF;
        int bits = e < 2 ? 0x00200000 << e : (e - 1) << 23;
        return Float.intBitsToFloat(bits);
    }

    /**
     * The MXFP4 quantizer's exponent for a block whose largest magnitude is {@code amax}: ggml computes
     * {@code (uint8_t)(floorf(log2f(amax)) - 2 + 127)}, and 0 when amax is 0. The exponent is taken from
     * {@code log2f} and not from the float's exponent bits on purpose: just below a power of two, log2f rounds
     * up to the integer (log2f(1023.99994f) == 10.0f), so ggml picks the next exponent; log2 is evaluated in
     * double and rounded to float to model glibc's correctly rounded log2f.
     */
    static int exponentForMax(float amax) {
        if (!(amax > 0.0f)) {
            return 0;
        }
        float log2 = (float) (Math.log(amax) / Math.log(2.0));
        float e = (float) Math.floor(log2) - 2 + 127;
        return ((int) e) & 0xFF; // float -> int truncation, then the uint8 store keeps the low byte
    }
}
