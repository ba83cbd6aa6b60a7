package dev.basalt.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Maps a whole model file read-only into a shared {@link Arena} (one mapping per file, closable from any thread)
 * and hands it to a parser; if parsing fails, the mapping is released at once.
 */
final class ReadOnlyMapping {

    /** Parses {@code mapping} of the file named {@code source}; the result owns {@code arena}. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(MemorySegment mapping, String source, Arena arena);
    }

    private ReadOnlyMapping() {
    }

    static <T> T open(Path path, String expected, Parser<T> parser) throws IOException {
        String source = path.toString();
        if (Files.isDirectory(path)) {
            throw new ModelFormatException(source, -1, "is a directory, expected " + expected);
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapping = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena).asReadOnly();
            return parser.parse(mapping, source, arena);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }
}
