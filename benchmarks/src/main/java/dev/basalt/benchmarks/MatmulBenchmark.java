package dev.basalt.benchmarks;

import dev.basalt.kernels.cpu.CpuActivation;
import dev.basalt.kernels.cpu.CpuBackend;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.compute.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU backend's matrix product per weight format, through the public {@code Backend} API: {@code tokens = 1}
 * is decode's mat-vec, larger values prefill's tiled mat-mat. Besides products per second, the {@link Rates}
 * counters give weight bytes read per second ({@code weightBytes}, i.e. GB/s after dividing by 1e9) and
 * multiply-adds x 2 per second ({@code flops}). Random weights quantized by the reference codec.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar Matmul
 * -p type=Q4_0,Q8_0 -p tokens=1,8 -p threads=2} (add {@code -prof gc} for allocation per product).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MatmulBenchmark {
    @Param({"Q4_0", "Q8_0", "Q4_K", "Q6_K", "Q5_0", "F16", "F32", "Q4_1", "Q5_1", "Q5_K", "Q3_K", "Q2_K", "IQ4_NL", "IQ4_XS"})
    public String type;

    /** Rows x columns of the weight matrix (2048 x 2048: a 1B model's attention projections). */
    @Param("2048")
    public int size;

    @Param({"1", "8"})
    public int tokens;

    @Param("1")
    public int threads;

    private CpuBackend backend;
    private WeightMatrix matrix;
    private CpuActivation x;
    private CpuActivation y;
    private long weightBytes;

    /** Per-second rates JMH reports next to the time per product. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rates {
        public long weightBytes;
        public long flops;

        @Setup(Level.Iteration)
        public void reset() {
            weightBytes = 0;
            flops = 0;
        }
    }

    @Setup
    public void setUp() {
        GgmlType t = GgmlType.valueOf(type);
        Random rnd = new Random(42);
        float[] w = new float[size * size];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian() * 0.05f;
        }
        weightBytes = Tensor.byteSize(t, size, size);
        MemorySegment bytes = Arena.ofAuto().allocate(weightBytes, 64);
        t.codec().quantize(w, 0, w.length, bytes, 0);
        backend = new CpuBackend(threads);
        matrix = backend.matrix(new Tensor("w", t, new long[] {size, size}, bytes));
        x = backend.allocate(tokens * size);
        float[] xs = new float[tokens * size];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) rnd.nextGaussian();
        }
        backend.write(xs, 0, x, 0, xs.length);
        y = backend.allocate(tokens * size);
    }

    @TearDown
    public void tearDown() {
        backend.close();
    }

    @Benchmark
    public float matmul(Rates rates) {
        backend.matmul(matrix, x, y, tokens);
        rates.weightBytes += weightBytes;
        rates.flops += 2L * size * size * tokens;
        return y.array()[0];
    }
}
