package dev.basalt.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The SIMD kernels against the scalar ones, at whatever vector width this JVM runs them ({@code mvn test} runs
 * this class three times: the machine's preferred width, then {@code -Dbasalt.cpu.vectorBits=256} and
 * {@code =128}, see kernels-cpu/pom.xml).
 *
 * <ul>
 * <li>The in-register block decoders give exactly the scalar unpacker's integers, on random bytes (every bit
 * pattern of the quant fields, not only what a quantizer writes).</li>
 * <li>The F16 widening gives {@link Float#float16ToFloat}'s bits for all 65536 halves.</li>
 * <li>Each SIMD row product equals the scalar kernel's up to float32 summation order: both form the same exact
 * integer block sums; the tolerance, 1e-5 of the sum of |w·x| terms, is ~100x the float32 rounding of summing a
 * few dozen block terms in a different order (each add 2^-24 relative).</li>
 * <li>The four-token tile gives, bit for bit, what the one-token product gives for each token.</li>
 * </ul>
 */
class VectorKernelTest {

    @Test
    void runsAtTheRequestedWidth() {
        String requested = System.getProperty("basalt.cpu.vectorBits");
        int preferred = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int expected = requested != null ? Math.min(Integer.parseInt(requested), preferred) : preferred;
        assertEquals(expected, KernelSpecies.FLOAT.vectorBitSize());
        assertEquals(KernelSpecies.CHUNK, KernelSpecies.LANES * KernelSpecies.FLOAT_PARTS);
        assertTrue(VectorMath.VECTORIZED);
    }

    @ParameterizedTest
    @EnumSource(LegacyBlockFormat.class)
    void legacyDecoderMatchesScalarUnpack(LegacyBlockFormat format) {
        int bytes = format.type.bytesPerBlock();
        byte[] blocks = randomBytes(bytes * 64, format.ordinal());
        byte[] q = new byte[32];
        float[] factors = new float[2];
        for (int b = 0; b < 64; b++) {
            format.unpack(blocks, b * bytes, q, factors);
            for (int e = 0; e < 32; e += KernelSpecies.CHUNK) {
                assertLanes(q, e, format.quants(blocks, b * bytes, e), format + " block " + b);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SuperBlockFormat.class)
    void superBlockDecoderMatchesScalarUnpack(SuperBlockFormat format) {
        int bytes = format.type.bytesPerBlock();
        byte[] blocks = randomBytes(bytes * 32, 100 + format.ordinal());
        byte[] q = new byte[256];
        for (int b = 0; b < 32; b++) {
            format.unpackQuants(blocks, b * bytes, q);
            for (int e = 0; e < 256; e += KernelSpecies.CHUNK) {
                assertLanes(q, e, format.quants(blocks, b * bytes, e), format + " block " + b);
            }
        }
    }

    private static void assertLanes(byte[] expected, int from, ByteVector actual, String what) {
        for (int i = 0; i < KernelSpecies.CHUNK; i++) {
            assertEquals(expected[from + i], actual.lane(i), what + " element " + (from + i));
        }
    }

    @Test
    void halfWideningIsExactForEveryHalf() {
        byte[] all = new byte[2 * 65536];
        for (int h = 0; h < 65536; h++) {
            all[2 * h] = (byte) h;
            all[2 * h + 1] = (byte) (h >> 8);
        }
        for (int h = 0; h < 65536; h += KernelSpecies.LANES) {
            var v = VectorFloatKernel.halves(all, 2 * h);
            for (int i = 0; i < KernelSpecies.LANES; i++) {
                float expected = Float.float16ToFloat((short) (h + i));
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(v.lane(i)),
                        "half 0x" + Integer.toHexString(h + i));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "IQ4_NL",
            "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_XS"})
    void simdProductMatchesScalarAndTileMatchesSingle(GgmlType type) {
        RowKernel simd = RowKernel.forType(type);
        RowKernel scalar = RowKernel.scalarForType(type);
        assertTrue(simd.getClass().getSimpleName().startsWith("Vector"), simd.getClass().getName());
        // odd sizes: an odd number of blocks, and for the float formats a tail shorter than a vector
        int cols = switch (type.blockSize()) {
            case 1 -> 16 * 13 + 7;
            case 32 -> 32 * 7;
            default -> 256 * 3;
        };
        int rows = 9;
        Random rnd = new Random(type.ordinal());
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian() * 0.2f;
        }
        MemorySegment quantized = Arena.ofAuto().allocate(Tensor.byteSize(type, cols, rows));
        type.codec().quantize(w, 0, w.length, quantized, 0);
        float[] wq = new float[w.length];
        type.codec().dequantize(quantized, 0, wq, 0, w.length);
        byte[] bytes = quantized.toArray(ValueLayout.JAVA_BYTE);
        int rowBytes = Math.toIntExact(Tensor.byteSize(type, cols, 1));

        ActivationFormat format = simd.activationFormat();
        assertEquals(format, scalar.activationFormat());
        MemorySegment q8k = Arena.ofAuto().allocate(GgmlType.Q8_K.bytesPerBlock());
        QuantizedVector[] x = new QuantizedVector[RowKernel.TILE];
        float[][] seen = new float[RowKernel.TILE][];
        for (int t = 0; t < x.length; t++) {
            float[] xf = new float[cols];
            for (int i = 0; i < cols; i++) {
                xf[i] = (float) rnd.nextGaussian() * (t + 1);
            }
            x[t] = new QuantizedVector();
            format.quantize(xf, 0, cols, x[t], q8k);
            seen[t] = new float[cols];
            for (int i = 0; i < cols; i++) {
                seen[t][i] = switch (format) {
                    case F32, F16 -> x[t].values[i];
                    case Q8_0, Q8_1, Q8_K -> x[t].quants[i] * x[t].scales[i / format.blockSize()];
                };
            }
        }
        DotScratch ds = new DotScratch();
        float[] tile = new float[RowKernel.TILE];
        for (int r = 0; r < rows; r++) {
            int off = r * rowBytes;
            simd.dotTile(bytes, off, cols, x[0], x[1], x[2], x[3], tile, ds);
            for (int t = 0; t < x.length; t++) {
                float single = simd.dot(bytes, off, cols, x[t], ds);
                float reference = scalar.dot(bytes, off, cols, x[t], ds);
                double magnitude = 0;
                for (int i = 0; i < cols; i++) {
                    magnitude += Math.abs((double) wq[r * cols + i] * seen[t][i]);
                }
                if (format == ActivationFormat.Q8_1) {
                    magnitude += minTermMagnitude(bytes, off, type, x[t], cols);
                }
                assertEquals(reference, single, 1e-5 * magnitude, type + " row " + r + " token " + t);
                assertEquals(Float.floatToRawIntBits(single), Float.floatToRawIntBits(tile[t]),
                        type + " row " + r + " token " + t + ": tile " + tile[t] + " vs single " + single);
            }
        }
    }

    /** Q4_1 / Q5_1: the minimum's term {@code m * s_x} per block, which |w·x| does not bound. */
    private static double minTermMagnitude(byte[] bytes, int off, GgmlType type, QuantizedVector x, int cols) {
        double sum = 0;
        for (int b = 0; b < cols / 32; b++) {
            float m = dev.basalt.tensor.codec.LittleEndian.f16(bytes, off + b * type.bytesPerBlock() + 2);
            sum += Math.abs(m * x.sums[b]);
        }
        return sum;
    }

    @Test
    void unsupportedFormatsKeepTheDequantizingKernel() {
        assertInstanceOf(DequantizingRowKernel.class, RowKernel.forType(GgmlType.BF16));
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
