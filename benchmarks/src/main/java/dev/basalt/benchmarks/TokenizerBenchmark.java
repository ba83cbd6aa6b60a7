package dev.basalt.benchmarks;

import dev.basalt.tokenizer.Tokenizer;
import dev.basalt.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Time to tokenize 1 MiB of mixed text (English prose, code, numbers, CJK, emoji, whitespace runs): the texts of
 * llama.cpp's tokenizer test (../shared/testdata/vocab/*.inp) repeated, with a counter so the word cache cannot
 * hold every word. Run: {@code java -jar benchmarks/target/benchmarks.jar Tokenizer -p tokenizer=<gguf or json>}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TokenizerBenchmark {
    @Param("../shared/testdata/vocab/ggml-vocab-llama-bpe.gguf")
    public String tokenizer;

    @Param("1048576")
    public int bytes;

    private Tokenizer t;
    private String text;

    @Setup
    public void setUp() throws IOException {
        t = Tokenizers.load(Path.of(tokenizer));
        String sample = Files.readString(Path.of("../shared/testdata/vocab/ggml-vocab-llama-bpe.gguf.inp"), StandardCharsets.UTF_8)
                .replace("\n__ggml_vocab_test__\n", "\n");
        StringBuilder sb = new StringBuilder(bytes + sample.length());
        for (int i = 0; sb.toString().getBytes(StandardCharsets.UTF_8).length < bytes; i++) {
            for (int j = 0; j < 64; j++) {
                sb.append(sample).append(" item").append(i * 64 + j).append('\n');
            }
        }
        text = sb.toString();
    }

    @Benchmark
    public int encode() {
        return t.encode(text).length;
    }
}
