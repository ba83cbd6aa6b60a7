package dev.basalt.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.compute.Activation;
import dev.basalt.tensor.compute.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CpuBackend#matmuls} (several products of one input as one pool job) gives, bit for bit, what one
 * {@link CpuBackend#matmul} per matrix gives: each output row is still computed by one thread in the same order,
 * whichever chunk and thread it falls to. Matrices of different formats (different activation formats too, as
 * Q4_K_M mixes Q4_K and Q6_K, or a model mixes Q8_0 and Q4_K) and row counts that do not divide into chunks.
 */
class CpuBackendMatmulsTest {

    private static WeightMatrix matrix(CpuBackend backend, GgmlType type, int cols, int rows, Random rnd) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian() * 0.3f;
        }
        MemorySegment bytes = Arena.ofAuto().allocate(Tensor.byteSize(type, cols, rows));
        type.codec().quantize(w, 0, w.length, bytes, 0);
        return backend.matrix(new Tensor("w" + type, type, new long[] {cols, rows}, bytes));
    }

    @Test
    void batchedProductsEqualSingleProducts() {
        int cols = 512;
        GgmlType[] types = {GgmlType.Q4_K, GgmlType.Q8_0, GgmlType.Q6_K, GgmlType.F16};
        int[] rows = {1031, 7, 260, 33};
        Random rnd = new Random(5);
        for (int threads : new int[] {1, 2, 3}) {
            try (CpuBackend backend = new CpuBackend(threads)) {
                WeightMatrix[] w = new WeightMatrix[types.length];
                for (int i = 0; i < w.length; i++) {
                    w[i] = matrix(backend, types[i], cols, rows[i], rnd);
                }
                for (int tokens : new int[] {1, 6}) {
                    float[] x = new float[tokens * cols];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) rnd.nextGaussian();
                    }
                    CpuActivation xa = backend.allocate(x.length);
                    backend.write(x, 0, xa, 0, x.length);
                    Activation[] batched = new Activation[w.length];
                    for (int i = 0; i < w.length; i++) {
                        batched[i] = backend.allocate(tokens * rows[i]);
                    }
                    backend.matmuls(w, xa, batched, tokens);
                    for (int i = 0; i < w.length; i++) {
                        CpuActivation single = backend.allocate(tokens * rows[i]);
                        backend.matmul(w[i], xa, single, tokens);
                        assertArrayEquals(single.array(), ((CpuActivation) batched[i]).array(),
                                types[i] + ", " + threads + " threads, " + tokens + " tokens");
                    }
                }
            }
        }
    }

    @Test
    void rejectsMatricesOfAnotherWidth() {
        Random rnd = new Random(6);
        try (CpuBackend backend = new CpuBackend(2)) {
            WeightMatrix a = matrix(backend, GgmlType.Q8_0, 64, 4, rnd);
            WeightMatrix b = matrix(backend, GgmlType.Q8_0, 96, 4, rnd);
            CpuActivation x = backend.allocate(96);
            Activation[] y = {backend.allocate(4), backend.allocate(4)};
            assertThrows(IllegalArgumentException.class, () -> backend.matmuls(new WeightMatrix[] {a, b}, x, y, 1));
            assertThrows(IllegalArgumentException.class, () -> backend.matmuls(new WeightMatrix[] {a}, x, y, 1));
        }
    }
}
