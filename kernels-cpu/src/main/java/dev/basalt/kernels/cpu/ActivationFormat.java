package dev.basalt.kernels.cpu;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.codec.BlockCodec;
import dev.basalt.tensor.codec.LittleEndian;
import java.lang.foreign.MemorySegment;

/**
 * The form activations take before a dot product with a weight row: ggml's {@code vec_dot_type} of the weight's
 * format. llama.cpp's CPU backend never multiplies quantized weights by float32 activations; it first converts
 * the activations to this format, and so must we to reproduce its numbers.
 */
enum ActivationFormat {
    /** Plain float32 (F32 weights, and the dequantizing fallback). */
    F32(1),
    /** Rounded to IEEE half precision, ties to even (F16 weights). */
    F16(1),
    /**
     * Q8_0 as the AVX/AVX2/AVX-512 builds of ggml quantize activations ({@code quantize_row_q8_0} in
     * {@code arch/x86/quants.c}): d = absmax / 127 stored as fp16, quants = round-half-even(x * (127 / absmax)).
     * This differs from the reference quantizer ({@link GgmlType#Q8_0}'s codec: x * (1/d), halves away from zero)
     * on ties and in the last bit of the multiplier; the llama.cpp references were computed by an AVX-512 build.
     */
    Q8_0(32),
    /** Q8_1 as ggml's AVX builds quantize it: Q8_0's quants, s = fp16(d * sum of the quants) with the float32 d. */
    Q8_1(32),
    /** Q8_K by ggml's reference quantizer (every x86 build uses it): the {@link GgmlType#Q8_K} codec. */
    Q8_K(256);

    private final int blockSize;

    ActivationFormat(int blockSize) {
        this.blockSize = blockSize;
    }

    int blockSize() {
        return blockSize;
    }

    /** Converts {@code x[offset .. offset + n)} (n a whole number of blocks) into {@code out}. */
    void quantize(float[] x, int offset, int n, QuantizedVector out, MemorySegment q8kScratch) {
        out.ensure(n, this);
        switch (this) {
            case F32 -> System.arraycopy(x, offset, out.values, 0, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out.values[i] = Float.float16ToFloat(Float.floatToFloat16(x[offset + i]));
                }
            }
            case Q8_0, Q8_1 -> quantizeQ8Avx(x, offset, n, out, this == Q8_1);
            case Q8_K -> quantizeQ8K(x, offset, n, out, q8kScratch);
        }
        if (this != F32 && this != F16) {
            for (int i = 0; i < n; i++) {
                out.quantValues[i] = out.quants[i];
            }
        }
    }

    private static void quantizeQ8Avx(float[] x, int offset, int n, QuantizedVector out, boolean withSums) {
        for (int b = 0; b < n / 32; b++) {
            int base = offset + 32 * b;
            float amax = 0.0f;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[base + j]));
            }
            float d = amax / 127.0f;
            float id = amax != 0.0f ? 127.0f / amax : 0.0f;
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                int q = (int) Math.rint(x[base + j] * id); // _mm256_round_ps(_MM_ROUND_NEAREST): halves to even
                out.quants[32 * b + j] = (byte) q;
                sum += q;
            }
            out.scales[b] = roundToHalf(d);
            if (withSums) {
                out.sums[b] = roundToHalf(d * sum);
            }
        }
    }

    private static void quantizeQ8K(float[] x, int offset, int n, QuantizedVector out, MemorySegment scratch) {
        BlockCodec codec = GgmlType.Q8_K.codec();
        for (int b = 0; b < n / 256; b++) {
            codec.quantizeBlock(x, offset + 256 * b, scratch, 0);
            out.scales[b] = LittleEndian.f32(scratch, 0);
            MemorySegment.copy(scratch, java.lang.foreign.ValueLayout.JAVA_BYTE, 4, out.quants, 256 * b, 256);
            for (int g = 0; g < 16; g++) {
                out.groupSums[16 * b + g] = (short) LittleEndian.u16(scratch, 4 + 256 + 2L * g);
            }
            for (int s = 0; s < 8; s++) {
                out.pairSums[8 * b + s] = out.groupSums[16 * b + 2 * s] + out.groupSums[16 * b + 2 * s + 1];
            }
        }
    }

    static float roundToHalf(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    /** The format ggml converts activations to before multiplying them with weights of {@code type}. */
    static ActivationFormat forWeights(GgmlType type) {
        return switch (type) {
            case F32 -> F32;
            case F16 -> F16;
            case Q4_0, Q5_0, Q8_0, IQ4_NL -> Q8_0;
            case Q4_1, Q5_1 -> Q8_1;
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS -> Q8_K;
            default -> F32;
        };
    }
}
