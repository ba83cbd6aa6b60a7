package dev.basalt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.engine.BlockTrait;
import dev.basalt.engine.EmbeddingOptions;
import dev.basalt.engine.Model;
import dev.basalt.engine.ModelOptions;
import dev.basalt.engine.Pooling;
import dev.basalt.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small {@link SyntheticBert} loads as a bert model, tokenizes its words and embeds deterministically. */
class SyntheticBertTest {
    @TempDir
    Path dir;

    @Test
    void smallSyntheticBertLoadsAndEmbeds() throws IOException {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        SyntheticBert small = new SyntheticBert(64, 2, 4, 128, 32, GgmlType.F16);
        small.write(a, 1);
        small.write(b, 1);
        assertEquals(-1, Files.mismatch(a, b), "same seed, same bytes");
        try (Model m = Model.load(a, ModelOptions.defaults().withThreads(1))) {
            assertEquals("bert", m.config().architecture());
            assertTrue(m.family().has(BlockTrait.ABSOLUTE_POSITIONS));
            assertEquals(Pooling.CLS, m.config().pooling());
            var e = m.embedder(EmbeddingOptions.defaults().withNormalize(true));
            assertArrayEquals(new int[] {2, 5 + SyntheticBert.WORDS.indexOf("paris"), 5 + SyntheticBert.WORDS.indexOf("france"), 3},
                    e.tokenize("Paris France"));
            float[][] v = e.embed(List.of("the capital of france", "water"));
            assertEquals(64, v[0].length);
            double norm = 0;
            for (float x : v[0]) {
                norm += x * x;
            }
            assertEquals(1.0, norm, 1e-5);
            assertTrue(v[0][0] != v[1][0]);
        }
    }
}
