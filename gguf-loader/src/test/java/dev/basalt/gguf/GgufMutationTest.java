package dev.basalt.gguf;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Thousands of truncations and byte flips of real model files: each mutant either loads (and then every tensor
 * and metadata value can be read) or raises {@link ModelFormatException}; nothing else escapes, nothing hangs.
 */
@Tag("testdata")
class GgufMutationTest {
    private static final int MUTANTS = 4000;

    @ParameterizedTest
    @ValueSource(strings = {"models/stories260K.gguf", "models/synthetic-llama-256-Q4_K_M.gguf", "models/llama-2-tiny-random.gguf"})
    void everyMutantLoadsOrFailsWithAFormatError(String file) throws IOException {
        byte[] original = Files.readAllBytes(TestData.root().resolve(file));
        long headerEnd;
        try (GgufFile g = GgufFile.read(MemorySegment.ofArray(original), file)) {
            headerEnd = g.dataOffset();
        }
        long seed = file.hashCode();
        Random rnd = new Random(seed);
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            byte[] work = original.clone();
            int loaded = 0;
            for (int i = 0; i < MUTANTS; i++) {
                int length = work.length;
                int[] flipped = new int[rnd.nextInt(4) + 1];
                String what;
                if (i % 4 == 0) {
                    // Truncation, mostly inside the header where every field is parsed.
                    length = rnd.nextInt(10) < 8 ? rnd.nextInt((int) headerEnd + 1) : rnd.nextInt(work.length);
                    flipped = new int[0];
                    what = "truncated to " + length;
                } else {
                    for (int f = 0; f < flipped.length; f++) {
                        flipped[f] = rnd.nextInt(10) < 9 ? rnd.nextInt((int) headerEnd) : rnd.nextInt(work.length);
                        work[flipped[f]] ^= (byte) (1 << rnd.nextInt(8)) | (rnd.nextBoolean() ? 0 : rnd.nextInt(256));
                    }
                    what = "bytes flipped at " + java.util.Arrays.toString(flipped);
                }
                try (GgufFile g = GgufFile.read(MemorySegment.ofArray(work).asSlice(0, length), file)) {
                    readEverything(g);
                    loaded++;
                } catch (ModelFormatException expected) {
                    // the one allowed failure
                } catch (Throwable t) {
                    fail("seed " + seed + " mutant " + i + " (" + what + ") escaped as " + t, t);
                }
                for (int f : flipped) {
                    work[f] = original[f];
                }
            }
            // Some flips land in values nobody checks (a float, a token string): those mutants load.
            if (loaded == 0 || loaded == MUTANTS) {
                fail("mutations should both load and fail sometimes; loaded " + loaded + " of " + MUTANTS);
            }
        });
    }

    private static void readEverything(GgufFile g) {
        g.metadata().asMap().values().forEach(v -> v.display(4));
        for (Tensor t : g.tensors()) {
            MemorySegment d = t.data();
            if (d.byteSize() > 0) {
                d.get(ValueLayout.JAVA_BYTE, 0);
                d.get(ValueLayout.JAVA_BYTE, d.byteSize() - 1);
            }
        }
    }
}
