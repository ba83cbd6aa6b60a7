package dev.basalt.examples;

import dev.basalt.engine.Model;
import dev.basalt.engine.ModelOptions;
import dev.basalt.gguf.manifest.ModelIntegrityException;
import dev.basalt.gguf.manifest.ModelManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The options that say which model to load and how: {@code --model}, {@code --threads}, {@code --ctx},
 * {@code --backend}, {@code --device}, and
 * {@code --verify}, which refuses a model whose size or SHA-256 differs from its manifest entry.
 */
final class ModelArguments {
    // A text block loses its indentation; usage lines are indented by two.
    static final String USAGE = """
              --threads N            compute threads (default: all processors)
              --ctx N                context length (default: the model's, capped by a 1 GiB KV cache)
              --backend NAME         cpu (default), opencl, or auto (a GPU backend when one can run here,
                                     else the CPU, saying why); basalt devices lists them
              --device N             the backend's device number (default 0; see basalt devices)
              --verify MANIFEST      refuse the model unless its size and SHA-256 match MANIFEST
                                     (basalt manifest create); hashing shows a progress bar on a terminal""".indent(2).stripTrailing();

    private Path model;
    private int threads;
    private int contextLength;
    private Path manifest;
    private String backend = "cpu";
    private int device;

    /** Takes {@code option} (and its value) if it is one of these; false if it is not. */
    boolean parse(String option, Arguments a) {
        switch (option) {
            case "-m", "--model" -> model = Path.of(a.value(option));
            case "-t", "--threads" -> threads = a.intValue(option);
            case "-c", "--ctx" -> contextLength = a.intValue(option);
            case "--verify" -> manifest = Path.of(a.value(option));
            case "--backend" -> backend = a.value(option);
            case "--device" -> device = a.intValue(option);
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
            throw new UsageException("which model? (--model <file.gguf> or a Hugging Face folder)");
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
            return ModelOptions.defaults().withThreads(threads).withContextLength(contextLength).withBackend(backend)
                    .withDevice(device);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * Loads the model at {@code path} with these options; when {@code --backend auto} fell back to the CPU, says so
     * on {@code err} (one line, prefixed by the command's name).
     */
    Model load(Path path, String command, PrintStream err) throws IOException {
        Model model = Model.load(path, options());
        if (model.backendFallback() != null) {
            err.println("basalt " + command + ": " + model.backendFallback());
        }
        return model;
    }
}
