package dev.basalt.tensor.codec;

/**
 * UE4M3: an unsigned 8-bit float with 4 exponent bits (bias 7) and 3 mantissa bits, NVFP4's per-16-element
 * scale. The top bit is unused; codes 0 and 0x7F decode to 0, exponent 0 is subnormal (man * 2^-9), the
 * largest finite code ggml writes is 0x7E = 448.
 */
final class UE4M3 {
    private UE4M3() {
    }

    /**
     * Half the value of {@code code} (ggml's {@code ggml_ue4m3_to_fp32}): the nibble table holds E2M1 values
     * doubled, so the scale is halved. Every result is exact in float32.
     */
    static float toFloatHalf(int code) {
        code &= 0xFF;
        if (code == 0 || code == 0x7F) {
            return 0.0f;
        }
        int exp = (code >> 3) & 0xF;
        int man = code & 0x7;
        float raw = exp == 0 ? Math.scalb((float) man, -9) : Math.scalb(1.0f + (float) man / 8.0f, exp - 7);
        return raw * 0.5f;
    }

    /**
     * ggml's {@code ggml_fp32_to_ue4m3}: non-positive (and NaN) gives 0, values above 448 saturate. Normal
     * results round on the first dropped mantissa bit only (halves round up, the sticky bits are ignored);
     * subnormal results round {@code x * 512 + 0.5} by truncation. Every value of the top binade, 256..448,
     * gives 0x7E (448), not its own code: ggml treats UE4M3 exponent 15 as overflow.
     */
    static int fromFloat(float x) {
        if (!(x > 0.0f)) {
            return 0;
        }
        if (x > 448.0f) {
            x = 448.0f;
        }
        int bits = Float.floatToRawIntBits(x);
        int fp32Exp = ((bits >>> 23) & 0xFF) - 127;
        int fp32Man = (bits >>> 20) & 0x7;
        int exp = fp32Exp + 7;
        if (exp <= 0) {
            int man = (int) (x * 512.0f + 0.5f);
            if (man > 7) {
                man = 7;
            }
            return man < 1 ? 0 : man;
        }
        if (exp >= 15) {
            return 0x7E;
        }
        int man = fp32Man + ((bits >>> 19) & 1);
        if (man > 7) {
            man = 0;
            exp++;
            if (exp >= 15) {
                return 0x7E;
            }
        }
        return (exp << 3) | man;
    }
}
