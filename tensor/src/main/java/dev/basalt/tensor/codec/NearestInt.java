package dev.basalt.tensor.codec;

/**
 * ggml's {@code nearest_int}: adds 1.5 * 2^23 so that the float adder rounds to an integer (half to even) and
 * reads the result out of the mantissa. Emulated bit for bit rather than with {@link Math#rint}: the two agree for
 * |v| < 2^22, and outside that range (which ggml only asserts against in debug builds) this keeps ggml's wrap-around.
 */
final class NearestInt {
    private static final float MAGIC = 12582912f; // 1.5 * 2^23

    private NearestInt() {
    }

    static int of(float v) {
        float shifted = v + MAGIC;
        return (Float.floatToRawIntBits(shifted) & 0x007FFFFF) - 0x00400000;
    }
}
