package dev.basalt.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.kernels.cpu.CpuBackend;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.compute.Activation;
import dev.basalt.tensor.compute.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The weight kernels (mat-vec and the embedding lookup) on random data, for the formats with kernels and for two
 * converted at upload (Q6_K, Q5_0 to F16), with odd row counts and several tokens (batched prefill).
 *
 * <p>Two references per product:
 * <ul>
 * <li>the exact product in double of the weights as the device holds them (as the format's reference codec
 * decodes them; rounded to F16 for a converted format) and the float32 activations: within 1e-5 of the sum of
 * |w·x| (float32 summation in another order);</li>
 * <li>the CPU backend, which first rounds the activations to its {@code vec_dot_type} (Q8_0 per 32 values,
 * Q8_K per 256, F16): within the bound that rounding allows, sum over c of |w_c| * (the most activation c can
 * move: 0.57 * max|x| of its block / 127 for Q8, 2^-11 |x_c| for F16, 0 for F32), plus for a converted format
 * the sum of |x_c| * |w_c - F16(w_c)|, plus the 1e-5 above.</li>
 * </ul>
 * The embedding lookup decodes exactly as the reference codec (same float operations: equal bits), or for a
 * converted format within F16 rounding of it (2^-11 relative).
 */
class OpenClMatmulTest {
    private static OpenClBackend gpu;
    private static CpuBackend cpu;

    @BeforeAll
    static void open() {
        gpu = new OpenClBackend(OpenClTestDevice.get());
        cpu = new CpuBackend(1);
    }

    @AfterAll
    static void close() {
        if (gpu != null) {
            gpu.close();
            cpu.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q5_0"})
    void productsAndRowsMatchTheReferences(GgmlType type) {
        int cols = type.blockSize() == 256 ? 512 : (type.blockSize() == 1 ? 77 : 3 * type.blockSize());
        int rows = 13;
        int tokens = 5;
        Random rnd = new Random(type.ordinal() * 17L + 3);
        float[] w = gaussian(rnd, rows * cols, 0.3);
        MemorySegment bytes = Arena.ofAuto().allocate(Tensor.byteSize(type, cols, rows));
        type.codec().quantize(w, 0, w.length, bytes, 0);
        Tensor tensor = new Tensor("w", type, new long[] {cols, rows}, bytes.asReadOnly());
        float[] wq = new float[w.length];
        type.codec().dequantize(bytes, 0, wq, 0, w.length);
        float[] onDevice = wq;
        if (WeightUpload.deviceType(type) != type) {
            MemorySegment f16 = Arena.ofAuto().allocate(Tensor.byteSize(GgmlType.F16, cols, rows));
            GgmlType.F16.codec().quantize(wq, 0, wq.length, f16, 0);
            onDevice = new float[wq.length];
            GgmlType.F16.codec().dequantize(f16, 0, onDevice, 0, wq.length);
        }
        float[] x = gaussian(rnd, tokens * cols, 1);

        float[] fromGpu = product(gpu, tensor, x, tokens, rows);
        float[] fromCpu = product(cpu, tensor, x, tokens, rows);
        GgmlType cpuActivations = switch (type) {
            case F32 -> GgmlType.F32;
            case F16 -> GgmlType.F16;
            case Q4_K, Q6_K -> GgmlType.Q8_K;
            default -> GgmlType.Q8_0;
        };
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                double exact = 0;
                double magnitude = 0;
                double roundingBound = 0;
                for (int c = 0; c < cols; c++) {
                    double wc = onDevice[r * cols + c];
                    float xc = x[t * cols + c];
                    exact += wc * xc;
                    magnitude += Math.abs(wc * xc);
                    roundingBound += Math.abs(wc) * activationRounding(cpuActivations, x, t * cols, c)
                            + Math.abs(xc) * Math.abs(wq[r * cols + c] - wc);
                }
                int i = t * rows + r;
                String where = type + " token " + t + " row " + r;
                assertTrue(Math.abs(fromGpu[i] - exact) <= 1e-5 * magnitude,
                        where + ": gpu " + fromGpu[i] + " vs exact " + exact + " (allowed " + 1e-5 * magnitude + ")");
                double allowed = roundingBound + 1e-5 * magnitude;
                assertTrue(Math.abs(fromGpu[i] - fromCpu[i]) <= allowed,
                        where + ": gpu " + fromGpu[i] + " vs cpu " + fromCpu[i] + " (allowed " + allowed + ")");
            }
        }

        int[] ids = {rows - 1, 0, 7, 7};
        float[] rowsGpu = lookup(gpu, tensor, ids, cols);
        for (int k = 0; k < ids.length; k++) {
            for (int c = 0; c < cols; c++) {
                float expected = wq[ids[k] * cols + c];
                float actual = rowsGpu[k * cols + c];
                if (WeightUpload.KERNEL_FORMATS.contains(type)) {
                    assertEquals(expected, actual, 0.0f, type + " row " + ids[k] + " value " + c);
                } else {
                    assertEquals(expected, actual, Math.abs(expected) * 0x1p-11 + 0x1p-24,
                            type + " (as F16) row " + ids[k] + " value " + c);
                }
            }
        }
    }

    /** The most the CPU backend's rounding of activation c (of the token starting at {@code base}) moves it. */
    private static double activationRounding(GgmlType format, float[] x, int base, int c) {
        return switch (format) {
            case F32 -> 0;
            case F16 -> Math.abs(x[base + c]) * 0x1p-11;
            default -> {
                int block = format.blockSize();
                int from = base + c / block * block;
                double max = 0;
                for (int i = from; i < from + block; i++) {
                    max = Math.max(max, Math.abs(x[i]));
                }
                // half a quantization step, plus the F16 rounding of Q8_0's scale times up to 127 steps
                yield 0.57 * max / 127;
            }
        };
    }

    private static float[] product(dev.basalt.tensor.compute.Backend backend, Tensor tensor, float[] x, int tokens, int rows) {
        WeightMatrix m = backend.matrix(tensor);
        Activation xa = backend.allocate(x.length);
        backend.write(x, 0, xa, 0, x.length);
        Activation ya = backend.allocate(tokens * rows);
        backend.matmul(m, xa, ya, tokens);
        float[] y = new float[tokens * rows];
        backend.read(ya, 0, y, 0, y.length);
        return y;
    }

    private static float[] lookup(dev.basalt.tensor.compute.Backend backend, Tensor tensor, int[] ids, int cols) {
        Activation out = backend.allocate(ids.length * cols);
        backend.rows(backend.matrix(tensor), ids, out);
        float[] values = new float[ids.length * cols];
        backend.read(out, 0, values, 0, values.length);
        return values;
    }

    static float[] gaussian(Random rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * scale);
        }
        return a;
    }
}
