package dev.basalt.tensor.codec;

/**
 * The fp16 round trip quantizers depend on: a scale is stored as binary16 and the stored (rounded) value is what
 * the later steps of ggml's quantizers divide by, so they must read it back rather than keep the float.
 */
final class Fp16 {
    private Fp16() {
    }

    /** float to binary16 bits, round to nearest even (GGML_FP32_TO_FP16). */
    static short bits(float v) {
        return Float.floatToFloat16(v);
    }

    /** binary16 bits widened to float (exact). */
    static float value(short bits) {
        return Float.float16ToFloat(bits);
    }
}
