package dev.basalt.benchmarks;

import dev.basalt.engine.Embedder;
import dev.basalt.engine.EmbeddingOptions;
import dev.basalt.engine.Model;
import dev.basalt.engine.ModelOptions;
import dev.basalt.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
 * Embedding throughput in texts per second on a BERT-base-sized synthetic model (768 wide, 12 layers, 12 heads,
 * FFN 3072; written by {@link SyntheticBert} into a temporary file at setup): {@value #TEXTS} short texts (12 words,
 * 14 tokens with [CLS] and [SEP]) per call. {@code packed = true} embeds them in one call, packed into one batch so
 * every projection is one matrix-matrix product over all their tokens; {@code false} embeds them one call per text,
 * the matrix products then running over 14 tokens at a time.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar Embedding
 * -p threads=2} (the score is texts/s).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class EmbeddingBenchmark {
    static final int TEXTS = 32;
    private static final int WORDS_PER_TEXT = 12;

    @Param({"true", "false"})
    public boolean packed;

    @Param("F16")
    public String matrixType;

    @Param("2")
    public int threads;

    private Path file;
    private Model model;
    private Embedder embedder;
    private List<String> texts;

    @Setup
    public void setUp() throws IOException {
        file = Files.createTempFile("basalt-bert-base-", ".gguf");
        SyntheticBert.base(GgmlType.valueOf(matrixType)).write(file, 42);
        model = Model.load(file, ModelOptions.defaults().withThreads(threads));
        embedder = model.embedder(EmbeddingOptions.defaults().withNormalize(true));
        Random random = new Random(7);
        texts = new ArrayList<>();
        for (int i = 0; i < TEXTS; i++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < WORDS_PER_TEXT; w++) {
                text.append(w == 0 ? "" : " ").append(SyntheticBert.WORDS.get(random.nextInt(SyntheticBert.WORDS.size())));
            }
            texts.add(text.toString());
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        model.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    @OperationsPerInvocation(TEXTS)
    public float embed() {
        if (packed) {
            return embedder.embed(texts)[TEXTS - 1][0];
        }
        float last = 0;
        for (String t : texts) {
            last = embedder.embed(List.of(t))[0][0];
        }
        return last;
    }
}
