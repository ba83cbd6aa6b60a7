package dev.basalt.examples;

import dev.basalt.engine.ModelOptions;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The options that say which model to load and how: {@code --model}, {@code --threads}, {@code --ctx}. */
final class ModelArguments {
    // A text block loses its indentation; usage lines are indented by two.
    static final String USAGE = """
              --threads N            compute threads (default: all processors)
              --ctx N                context length (default: the model's, capped by a 1 GiB KV cache)""".indent(2).stripTrailing();

    private Path model;
    private int threads;
    private int contextLength;

    /** Takes {@code option} (and its value) if it is one of these; false if it is not. */
    boolean parse(String option, Arguments a) {
        switch (option) {
            case "-m", "--model" -> model = Path.of(a.value(option));
            case "-t", "--threads" -> threads = a.intValue(option);
            case "-c", "--ctx" -> contextLength = a.intValue(option);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** The model file, which must exist. */
    Path model() throws NoSuchFileException {
        if (model == null) {
            throw new UsageException("which model? (--model <file.gguf>)");
        }
        if (!Files.exists(model)) {
            throw new NoSuchFileException(model.toString());
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
