package dev.basalt.examples;

import dev.basalt.engine.EmbeddingOptions;
import dev.basalt.engine.Pooling;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code embed} and {@code rerank}: {@code --pooling}, {@code --normalize}, {@code --truncate},
 * {@code --json}, and the texts, given as arguments or with {@code --file} (one per line).
 */
final class EmbeddingArguments {
    static final String USAGE = """
              --pooling P            none, mean, cls, last or rank (default: the model's pooling_type)
              --normalize            scale each vector to unit L2 length (default: as the model computes it)
              --truncate             cut inputs longer than the model's context instead of refusing them
              --file PATH            read texts from PATH, one per line (empty lines skipped)
              --json                 print JSON instead of plain lines""".indent(2).stripTrailing();

    private Pooling pooling;
    private boolean normalize;
    private boolean truncate;
    private boolean json;
    private final List<String> texts = new ArrayList<>();

    /** Takes {@code option} (and its value) if it is one of these; false if it is not. */
    boolean parse(String option, Arguments a) throws IOException {
        switch (option) {
            case "--pooling" -> pooling = pooling(a.value(option));
            case "--normalize" -> normalize = true;
            case "--truncate" -> truncate = true;
            case "--json" -> json = true;
            case "--file" -> {
                Path file = Path.of(a.value(option));
                if (!Files.exists(file)) {
                    throw new NoSuchFileException(file.toString());
                }
                Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).forEach(texts::add);
            }
            default -> {
                if (option.startsWith("-")) {
                    return false;
                }
                texts.add(option);
            }
        }
        return true;
    }

    /** {@code --pooling}'s value. */
    static Pooling pooling(String name) {
        try {
            return Pooling.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    EmbeddingOptions options() {
        return EmbeddingOptions.defaults().withPooling(pooling).withNormalize(normalize).withTruncate(truncate);
    }

    boolean json() {
        return json;
    }

    /** The texts in order; at least one. */
    List<String> texts(String what) {
        if (texts.isEmpty()) {
            throw new UsageException("which " + what + "? (give them as arguments, or --file <path>)");
        }
        return texts;
    }
}
