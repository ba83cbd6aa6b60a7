package dev.basalt.benchmarks;

import dev.basalt.engine.InferenceSession;
import dev.basalt.engine.Model;
import dev.basalt.engine.ModelOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
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
 * -o m.gguf}). Token ids are random, as in {@link SideBySideRun}. Run:
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

    private Model loaded;
    private InferenceSession session;
    private int[] prompt;
    private int[] generated;

    @Setup
    public void load() throws IOException {
        if (model.isEmpty()) {
            throw new IllegalArgumentException("pass the model: -p model=<file.gguf> (./basalt synth writes one)");
        }
        loaded = Model.load(Path.of(model), ModelOptions.defaults().withThreads(threads).withContextLength(PROMPT + GENERATED));
        session = loaded.newSession(PROMPT + GENERATED);
        SplittableRandom random = new SplittableRandom(42);
        int vocab = loaded.config().vocabSize();
        prompt = random.ints(PROMPT, 0, vocab).toArray();
        generated = random.ints(GENERATED, 0, vocab).toArray();
    }

    @TearDown
    public void close() {
        session.close();
        loaded.close();
    }

    @Benchmark
    @OperationsPerInvocation(PROMPT)
    public float[] prefill() {
        session.rewind(0);
        return session.forward(prompt, false);
    }

    /** Decodes after the prompt, which the first call fills in once; later calls rewind to its end. */
    @Benchmark
    @OperationsPerInvocation(GENERATED)
    public float[] decode() {
        if (session.position() < PROMPT) {
            session.rewind(0);
            session.forward(prompt, false);
        }
        session.rewind(PROMPT);
        float[] logits = null;
        for (int id : generated) {
            logits = session.forward(new int[] {id}, false);
        }
        return logits;
    }
}
