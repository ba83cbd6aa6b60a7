package dev.basalt.examples;

import dev.basalt.engine.ModelOptions;
import dev.basalt.gguf.manifest.ModelIntegrityException;
import dev.basalt.gguf.manifest.ModelManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The options that say which model to load and how: {@code --model}, {@code --threads}, {@code --ctx}, and
 * {@code --verify}, which refuses a model whose size or SHA-256 differs from its manifest entry.
 */
final class ModelArguments {
    // A text block loses its indentation; usage lines are indented by two.
    static final String USAGE = """
              --threads N            compute threads (default: all processors)
              --ctx N                context length (default: the model's, capped by a 1 GiB KV cache)
              --verify MANIFEST      refuse the model unless its size and SHA-256 match MANIFEST
                                     (basalt manifest create); hashing shows a progress bar on a terminal""".indent(2).stripTrailing();

    private Path model;
    private int threads;
    private int contextLength;
    private Path manifest;

    /** Takes {@code option} (and its value) if it is one of these; false if it is not. */
    boolean parse(String option, Arguments a) {
        switch (option) {
            case "-m", "--model" -> model = Path.of(a.value(option));
            case "-t", "--threads" -> threads = a.intValue(option);
            case "-c", "--ctx" -> contextLength = a.intValue(option);
            case "--verify" -> manifest = Path.of(a.value(option));
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * The model file, which must exist and, with {@code --verify}, match its manifest entry.
     *
     * @throws ModelIntegrityException when the file differs from the manifest
     */
    Path model(PrintStream err) throws IOException {
        if (model == null) {
            throw new UsageException("which model? (--model <file.gguf>)");
        }
        if (!Files.exists(model)) {
            throw new NoSuchFileException(model.toString());
        }
        if (manifest != null) {
            ModelManifest.read(manifest).verifyModel(model, ProgressBar.onTerminal(err, "verifying"));
        }
        return model;
    }

    /** 0: the model's default. */
    int contextLength() {
        return contextLength;
    }

    ModelOptions options() {
        try {
            return ModelOptions.defaults().withThreads(threads).withContextLength(contextLength);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
