package dev.basalt.benchmarks;

import dev.basalt.gguf.GgufFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Time to map a GGUF file and parse its header, metadata and tensor table (weights are not read).
 * Run: {@code java -cp 'benchmarks/target/benchmarks.jar' org.openjdk.jmh.Main GgufOpen -p file=<path>}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GgufOpenBenchmark {
    @Param("models/stories260K.gguf")
    public String file;

    @Benchmark
    public int open() throws IOException {
        try (GgufFile g = GgufFile.open(Path.of(file))) {
            return g.tensorInfos().size() + g.metadata().keys().size();
        }
    }
}
