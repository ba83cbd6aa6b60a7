package dev.basalt.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.TestData;
import dev.basalt.tensor.codec.BlockCodec;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each matmul path against a plain reference: the weights dequantized by the format's reference codec, the
 * activations converted as the kernel does ({@link ActivationFormat}) and dequantized again, multiplied in
 * double. Both sides then see the same numbers, so what remains is float32 summation error: the tolerance is
 * 1e-5 of the sum of |w·x| terms (a few float32 ulps per block plus the per-block scale products).
 * Random weights, odd numbers of rows, several tokens.
 */
class CpuBackendMatmulTest {

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0",
            "IQ4_NL", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_XS", "MXFP4", "TQ2_0", "Q8_1"})
    void matmulMatchesDequantizedProduct(GgmlType type) {
        int cols = type.blockSize() == 256 ? 512 : (type.blockSize() == 1 ? 77 : 3 * type.blockSize());
        int rows = 13;
        int tokens = 6; // one tile of 4 tokens, then 2 one at a time
        Random rnd = new Random(type.ordinal() * 31L + 7);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian() * 0.3f;
        }
        MemorySegment bytes = Arena.ofAuto().allocate(Tensor.byteSize(type, cols, rows));
        type.codec().quantize(w, 0, w.length, bytes, 0);
        Tensor tensor = new Tensor("w", type, new long[] {cols, rows}, bytes);
        float[] wq = new float[w.length];
        type.codec().dequantize(bytes, 0, wq, 0, w.length);

        float[] x = new float[tokens * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        try (CpuBackend backend = new CpuBackend(2)) {
            var m = backend.matrix(tensor);
            CpuActivation xa = backend.allocate(x.length);
            backend.write(x, 0, xa, 0, x.length);
            CpuActivation ya = backend.allocate(tokens * rows);
            backend.matmul(m, xa, ya, tokens);
            ActivationFormat format = ((CpuWeightMatrix) m).kernel.activationFormat();
            for (int t = 0; t < tokens; t++) {
                float[] xt = activationAsKernelSeesIt(format, x, t * cols, cols);
                for (int r = 0; r < rows; r++) {
                    double expected = 0;
                    double magnitude = 0;
                    for (int c = 0; c < cols; c++) {
                        expected += (double) wq[r * cols + c] * xt[c];
                        magnitude += Math.abs((double) wq[r * cols + c] * xt[c]);
                    }
                    if (format == ActivationFormat.Q8_1) {
                        // ggml folds the weight minimum in through s = fp16(d_x * sum of quants): the sum of m * x
                        // is off by that fp16 rounding, up to 2^-11 of |m * s| per block
                        QuantizedVector q = new QuantizedVector();
                        format.quantize(x, t * cols, cols, q, null);
                        long rowAt = r * tensor.rowBytes();
                        for (int b = 0; b < cols / 32; b++) {
                            float min = Float.float16ToFloat(bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                                    rowAt + (long) b * type.bytesPerBlock() + 2));
                            magnitude += Math.abs(min * q.sums[b]) * (1.0 / 2048) / 1e-5;
                        }
                    }
                    float actual = ya.array()[t * rows + r];
                    assertEquals(expected, actual, 1e-5 * magnitude, type + " token " + t + " row " + r);
                }
            }
        }
    }

    /** The activation row after the conversion a kernel applies, back in floats. */
    private static float[] activationAsKernelSeesIt(ActivationFormat format, float[] x, int offset, int n) {
        QuantizedVector q = new QuantizedVector();
        format.quantize(x, offset, n, q, Arena.ofAuto().allocate(GgmlType.Q8_K.bytesPerBlock()));
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (format) {
                case F32, F16 -> q.values[i];
                case Q8_0, Q8_1, Q8_K -> q.quants[i] * q.scales[i / format.blockSize()];
            };
        }
        return out;
    }

    @Test
    void q8kGroupSumsMatchQuants() {
        float[] x = new float[512];
        Random rnd = new Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        QuantizedVector q = new QuantizedVector();
        ActivationFormat.Q8_K.quantize(x, 0, 512, q, Arena.ofAuto().allocate(292));
        for (int g = 0; g < 32; g++) {
            int s = 0;
            for (int i = 0; i < 16; i++) {
                s += q.quants[16 * g + i];
            }
            assertEquals(s, q.groupSums[g]);
        }
    }

    /**
     * The Q8_0/Q8_1 activation quantizers reproduce ggml's AVX builds byte for byte
     * ({@code Q8_0.cpu_avx.bin}, {@code Q8_1.cpu_avx.bin}: 16 rows of 512 including a row of exact ties).
     */
    @Tag("testdata")
    @Test
    void avxActivationQuantizersMatchGgml() throws IOException {
        float[] input = floats(Files.readAllBytes(TestData.path("quant", "input.f32")));
        for (ActivationFormat format : new ActivationFormat[] {ActivationFormat.Q8_0, ActivationFormat.Q8_1}) {
            byte[] expected = Files.readAllBytes(TestData.path("quant", format.name() + ".cpu_avx.bin"));
            int blockBytes = format == ActivationFormat.Q8_0 ? 34 : 36;
            int quantsAt = format == ActivationFormat.Q8_0 ? 2 : 4;
            QuantizedVector q = new QuantizedVector();
            for (int row = 0; row < 16; row++) {
                format.quantize(input, row * 512, 512, q, null);
                for (int b = 0; b < 16; b++) {
                    int at = (row * 16 + b) * blockBytes;
                    MemorySegment block = MemorySegment.ofArray(expected).asSlice(at, blockBytes);
                    float d = Float.float16ToFloat(block.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0));
                    assertEquals(Float.floatToRawIntBits(d), Float.floatToRawIntBits(q.scales[b]), format + " row " + row + " block " + b + " d");
                    if (format == ActivationFormat.Q8_1) {
                        float s = Float.float16ToFloat(block.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2));
                        assertEquals(Float.floatToRawIntBits(s), Float.floatToRawIntBits(q.sums[b]), format + " row " + row + " block " + b + " s");
                    }
                    byte[] quants = new byte[32];
                    System.arraycopy(expected, at + quantsAt, quants, 0, 32);
                    byte[] actual = new byte[32];
                    System.arraycopy(q.quants, 32 * b, actual, 0, 32);
                    assertArrayEquals(quants, actual, format + " row " + row + " block " + b);
                }
            }
        }
    }

    /** Q8_K activations: the reference quantizer's bytes ({@code Q8_K.bin}). */
    @Tag("testdata")
    @Test
    void q8kActivationQuantizerMatchesGgml() throws IOException {
        float[] input = floats(Files.readAllBytes(TestData.path("quant", "input.f32")));
        byte[] expected = Files.readAllBytes(TestData.path("quant", "Q8_K.bin"));
        QuantizedVector q = new QuantizedVector();
        BlockCodec unused = GgmlType.Q8_K.codec();
        assertTrue(unused.canQuantize());
        for (int row = 0; row < 16; row++) {
            ActivationFormat.Q8_K.quantize(input, row * 512, 512, q, Arena.ofAuto().allocate(292));
            for (int b = 0; b < 2; b++) {
                MemorySegment block = MemorySegment.ofArray(expected).asSlice((row * 2 + b) * 292L, 292);
                assertEquals(block.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0), q.scales[b]);
                for (int i = 0; i < 256; i++) {
                    assertEquals(block.get(ValueLayout.JAVA_BYTE, 4 + i), q.quants[256 * b + i], "row " + row + " quant " + i);
                }
            }
        }
    }

    private static float[] floats(byte[] bytes) {
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
