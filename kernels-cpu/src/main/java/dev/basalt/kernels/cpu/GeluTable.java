package dev.basalt.kernels.cpu;

/**
 * GELU (tanh approximation) as ggml's CPU backend evaluates it: the input is rounded to float16 and looked up in a
 * table of float16 results, one entry per float16 bit pattern; inputs at or beyond ±10 bypass the table (GELU is
 * 0 or x there, to float precision). llama.cpp's logits for Gemma carry this rounding (up to ~2e-2 against an
 * exact GELU on the archs references), so reproducing it is what makes our logits match theirs.
 */
final class GeluTable {
    private static final float SQRT_2_OVER_PI = 0.79788456080286535587989211986876f;
    private static final float COEF_A = 0.044715f;
    private static final float[] TABLE = build();

    private GeluTable() {
    }

    /** ggml's {@code ggml_gelu_f32}: the formula in float32. */
    static float exact(float x) {
        return 0.5f * x * (1.0f + (float) StrictMath.tanh(SQRT_2_OVER_PI * x * (1.0f + COEF_A * x * x)));
    }

    private static float[] build() {
        float[] t = new float[1 << 16];
        for (int i = 0; i < t.length; i++) {
            float x = Float.float16ToFloat((short) i);
            t[i] = Float.float16ToFloat(Float.floatToFloat16(exact(x)));
        }
        return t;
    }

    /** GELU of {@code x} through the float16 table, as ggml's {@code ggml_vec_gelu_f32} with GGML_GELU_FP16. */
    static float gelu(float x) {
        if (x <= -10.0f) {
            return 0.0f;
        }
        if (x >= 10.0f) {
            return x;
        }
        return TABLE[Float.floatToFloat16(x) & 0xFFFF];
    }
}
