package dev.basalt.benchmarks;

import dev.basalt.engine.convert.QuantizationRecipe;
import dev.basalt.examples.Arguments;
import dev.basalt.examples.Command;
import dev.basalt.examples.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code basalt synth}: writes a random-weight model of a real shape, see {@link SyntheticModel}. */
public final class SynthCommand implements Command {

    @Override
    public String name() {
        return "synth";
    }

    @Override
    public String summary() {
        return "write a random-weight GGUF of a real model's shape (Llama 3 vocabulary) for benchmarks";
    }

    @Override
    public String usage() {
        return """
                usage: basalt synth --shape <name> --type <format> -o <file.gguf> [options]
                  --shape NAME       %s
                  --type FORMAT      every 2-D weight in one ggml type (Q4_0, Q8_0, F16, Q4_K, IQ4_NL, ...), or
                                     llama.cpp's mixed recipes Q4_K_M, Q5_K_M (Q6_K output and some attn_v/ffn_down)
                  -o, --output FILE  the GGUF file to write
                  --tokenizer DIR    folder with Llama 3's tokenizer.json (default: %s)
                  --seed S           random seed (default 1); same arguments, same bytes
                  --threads N        quantizing threads (default: all processors)""".formatted(
                String.join(", ", ModelShape.KNOWN.keySet()), defaultTokenizer());
    }

    /** Llama 3's tokenizer in the shared test data beside the checkout (./basalt passes the checkout). */
    static Path defaultTokenizer() {
        String testdata = System.getProperty("basalt.testdata");
        if (testdata != null) {
            return Path.of(testdata, "tokenizers", "llama3");
        }
        return Path.of(System.getProperty("basalt.home", "."), "..", "shared", "testdata", "tokenizers", "llama3")
                .normalize();
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Arguments a = new Arguments(args);
        ModelShape shape = null;
        QuantizationRecipe format = null;
        Path output = null;
        Path tokenizer = defaultTokenizer();
        long seed = 1;
        int threads = Runtime.getRuntime().availableProcessors();
        while (a.hasNext()) {
            String opt = a.next();
            try {
                switch (opt) {
                    case "--shape" -> shape = ModelShape.named(a.value(opt));
                    case "--type" -> format = QuantizationRecipe.parse(a.value(opt));
                    case "-o", "--output" -> output = Path.of(a.value(opt));
                    case "--tokenizer" -> tokenizer = Path.of(a.value(opt));
                    case "--seed" -> seed = a.longValue(opt);
                    case "-t", "--threads" -> threads = a.intValue(opt);
                    default -> throw new UsageException("unknown option " + opt);
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException(opt + ": " + e.getMessage());
            }
        }
        if (shape == null) {
            throw new UsageException("which shape? (--shape " + String.join("|", ModelShape.KNOWN.keySet()) + ")");
        }
        if (format == null) {
            throw new UsageException("which weight format? (--type Q4_0|Q8_0|Q4_K_M|F16|...)");
        }
        if (output == null) {
            throw new UsageException("which output file? (-o <file.gguf>)");
        }
        if (threads < 1) {
            throw new UsageException("--threads must be positive, got " + threads);
        }
        SyntheticModel model = new SyntheticModel(shape, format, Llama3Vocabulary.read(tokenizer), seed);
        long t0 = System.nanoTime();
        long size = model.write(output, threads);
        out.printf(Locale.ROOT, "wrote %s: %s, %s, %.2f GB in %.1f s%n", output, shape, format, size / 1e9,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
