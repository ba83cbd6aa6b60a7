package dev.basalt.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End-to-end generation speed in tokens per second (one JMH operation is one token): prefill of a 256-token prompt
 * as one batch ({@code pp256}) and 64 single-token decodes after it ({@code tg64}), the workloads of
 * {@code basalt bench} on a synthetic model (write one with {@code ./basalt synth --shape llama-3.2-1b --type Q4_0
 * -o m.gguf}), on the same random token ids. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar Generation -p model=m.gguf -p threads=2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class GenerationBenchmark {
    private static final int PROMPT = 256;
    private static final int GENERATED = 64;

    /** The GGUF file; there is no sensible default, a 1B model is not part of the repository. */
    @Param("")
    public String model;

    @Param("2")
    public int threads;

    private BasaltEngine engine;
    private SideBySideRun.Tokens tokens;

    @Setup
    public void load() throws IOException {
        if (model.isEmpty()) {
            throw new IllegalArgumentException("pass the model: -p model=<file.gguf> (./basalt synth writes one)");
        }
        engine = new BasaltEngine(Path.of(model), threads, PROMPT + GENERATED);
        tokens = SideBySideRun.Tokens.random(PROMPT, GENERATED, engine.vocabSize());
    }

    @TearDown
    public void close() {
        engine.close();
    }

    @Benchmark
    @OperationsPerInvocation(PROMPT)
    public void prefill() {
        engine.prefill(tokens.prompt()); // fills the KV cache: work the JIT cannot drop
    }

    /** Decodes after the prompt, which the first call (a warm-up) fills in once; later calls rewind to its end. */
    @Benchmark
    @OperationsPerInvocation(GENERATED)
    public void decode() {
        if (engine.position() < PROMPT) {
            engine.prefill(tokens.prompt());
        }
        engine.rewind(PROMPT);
        for (int id : tokens.generated()) {
            engine.decode(id);
        }
    }
}
