package dev.basalt.examples;

import dev.basalt.engine.ModelSource;
import dev.basalt.engine.convert.GgufConverter;
import dev.basalt.engine.convert.QuantizationRecipe;
import dev.basalt.engine.hf.HuggingFaceModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code basalt convert} (a Hugging Face folder to GGUF) and {@code basalt quantize} (a GGUF to another GGUF): both
 * write a model source with a {@link QuantizationRecipe} through {@link GgufConverter}, tensor by tensor, with a
 * progress bar on a terminal.
 */
final class ConvertCommand implements Command {
    private final boolean quantize;

    /** @param quantize true for {@code quantize} (a GGUF input, --type required), false for {@code convert} */
    ConvertCommand(boolean quantize) {
        this.quantize = quantize;
    }

    @Override
    public String name() {
        return quantize ? "quantize" : "convert";
    }

    @Override
    public String summary() {
        return quantize ? "re-quantize a GGUF model (from F32/F16/BF16 tensors) into another type"
                : "convert a Hugging Face model folder (safetensors) into a GGUF file";
    }

    @Override
    public String usage() {
        String types = """
                  --type T               F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K..Q6_K, IQ4_NL, IQ4_XS, TQ1_0, TQ2_0
                                         (every 2-D weight in T, 1-D tensors F32), or llama.cpp's mixed Q4_K_M / Q5_K_M:
                                         Q6_K for the output projection and for attn_v/attn_qkv and ffn_down of the
                                         first and last eighth of the layers and every third between, Q4_K/Q5_K else
                  --threads N            quantizing threads (default: all processors)
                The output is written under a temporary name beside OUT and renamed when complete.""";
        return quantize ? """
                usage: basalt quantize IN.gguf OUT.gguf --type T [--allow-requantize] [--threads N]
                """ + types + """

                  --allow-requantize     quantize tensors that are already quantized to another type (compounds errors)"""
                : """
                usage: basalt convert FOLDER OUT.gguf [--type T] [--threads N]
                  FOLDER                 config.json, model.safetensors (or shards + model.safetensors.index.json),
                                         tokenizer.json + tokenizer_config.json, generation_config.json
                """ + types + """

                  (default --type F16, as llama.cpp's converter)""";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        Arguments a = new Arguments(args);
        Path in = null;
        Path target = null;
        QuantizationRecipe recipe = quantize ? null : QuantizationRecipe.parse("F16");
        boolean allowRequantize = false;
        int threads = Runtime.getRuntime().availableProcessors();
        while (a.hasNext()) {
            String opt = a.next();
            try {
                switch (opt) {
                    case "--type" -> recipe = QuantizationRecipe.parse(a.value(opt));
                    case "--allow-requantize" -> {
                        if (!quantize) {
                            throw new UsageException("--allow-requantize is for basalt quantize");
                        }
                        allowRequantize = true;
                    }
                    case "-t", "--threads" -> threads = a.intValue(opt);
                    default -> {
                        if (opt.startsWith("-")) {
                            throw new UsageException("unknown option " + opt);
                        } else if (in == null) {
                            in = Path.of(opt);
                        } else if (target == null) {
                            target = Path.of(opt);
                        } else {
                            throw new UsageException("one input and one output, got also '" + opt + "'");
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException(opt + ": " + e.getMessage());
            }
        }
        if (in == null || target == null) {
            throw new UsageException("needs an input and an output file");
        }
        if (recipe == null) {
            throw new UsageException("which type? (--type, e.g. Q4_K_M)");
        }
        if (threads < 1) {
            throw new UsageException("--threads must be at least 1");
        }
        if (!Files.exists(in)) {
            throw new NoSuchFileException(in.toString());
        }
        if (quantize == Files.isDirectory(in)) {
            throw new UsageException(quantize ? in + " is a folder: use basalt convert for Hugging Face folders"
                    : in + " is a file: basalt convert takes a Hugging Face folder (basalt quantize takes a GGUF)");
        }
        long t0 = System.nanoTime();
        try (ModelSource source = ModelSource.open(in)) {
            if (source instanceof HuggingFaceModel hf) {
                hf.tokenizerMetadataProblem().ifPresent(p -> err.println("basalt convert: warning: the GGUF gets no "
                        + "tokenizer (Basalt runs it on token ids; llama.cpp needs a vocabulary): " + p));
            }
            GgufConverter.Result r = new GgufConverter(recipe, allowRequantize, threads).convert(source, target,
                    ProgressBar.onTerminal(err, name())::update);
            double seconds = (System.nanoTime() - t0) / 1e9;
            err.printf("basalt %s: wrote %s (%s, %s) in %.1f s: %s%n", name(), target, recipe,
                    InspectCommand.bytes(r.fileBytes()), seconds, r.tensorsPerType().entrySet().stream()
                            .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")));
        }
        return 0;
    }
}
