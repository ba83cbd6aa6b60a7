package dev.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link Embedder} promises beyond llama.cpp's numbers (those are {@link EmbedReferenceTest}'s). */
@Tag("testdata")
class EmbedderTest {
    private static final List<String> TEXTS = List.of("hello world", "the quick brown fox jumps over the lazy dog",
            "a", "In 2024, 3.14159 × 42 = 131.95", "");

    private static Model load(String file) throws IOException {
        return Model.load(TestData.path("embed", file), ModelOptions.defaults().withThreads(2));
    }

    /** Packing inputs into one batch must not change any bit: each attends only to itself. */
    @ParameterizedTest
    @ValueSource(strings = {"bert-cls-F32.gguf", "qwen3-embed-F32.gguf"})
    void packedBatchGivesTheSameBitsAsOneInputAtATime(String file) throws IOException {
        try (Model m = load(file)) {
            float[][] together = m.embed(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertArrayEquals(m.embed(List.of(TEXTS.get(i)))[0], together[i], "text " + i);
            }
            List<float[][]> perToken = m.embedder(EmbeddingOptions.defaults()).tokenEmbeddings(
                    TEXTS.stream().map(t -> m.embedder(EmbeddingOptions.defaults()).tokenize(t)).toList());
            assertEquals(m.config().embeddingLength(), together[0].length);
            assertEquals(m.embedder(EmbeddingOptions.defaults()).tokenize(TEXTS.get(1)).length, perToken.get(1).length);
        }
    }

    /** Batches split where the next input would not fit: a batch of 32 tokens (the longest text has 29) forces several. */
    @Test
    void smallBatchesGiveTheSameVectors() throws IOException {
        try (Model m = load("bert-cls-F32.gguf")) {
            float[][] big = m.embed(TEXTS);
            float[][] small = m.embedder(EmbeddingOptions.defaults().withBatchTokens(32)).embed(TEXTS);
            for (int i = 0; i < big.length; i++) {
                assertArrayEquals(big[i], small[i], "text " + i);
            }
        }
    }

    @Test
    void normalizedVectorsHaveUnitLengthAndTheSameDirection() throws IOException {
        try (Model m = load("bert-cls-F32.gguf")) {
            float[][] raw = m.embed(TEXTS);
            float[][] unit = m.embedder(EmbeddingOptions.defaults().withNormalize(true)).embed(TEXTS);
            for (int i = 0; i < raw.length; i++) {
                double norm = 0;
                for (float v : unit[i]) {
                    norm += (double) v * v;
                }
                assertEquals(1.0, Math.sqrt(norm), 1e-6, "text " + i);
                assertEquals(1.0, EmbedReferenceTest.cosine(raw[i], unit[i]), 1e-6);
            }
        }
    }

    /** Too long: refused naming the input, or (opted in) cut to the limit keeping the end marker. */
    @Test
    void longInputsAreRefusedOrTruncatedOnRequest() throws IOException {
        try (Model m = load("bert-cls-F32.gguf")) {
            Embedder small = m.embedder(EmbeddingOptions.defaults().withBatchTokens(6));
            assertEquals(6, small.maxTokens());
            InputTooLongException e = assertThrows(InputTooLongException.class, () -> small.embed(List.of("a", TEXTS.get(1))));
            assertEquals(1, e.index());
            assertEquals(6, e.limit());
            assertTrue(e.getMessage().contains("input 1 has 29 tokens"), e.getMessage());

            Embedder cutting = m.embedder(EmbeddingOptions.defaults().withBatchTokens(6).withTruncate(true));
            int[] ids = cutting.tokenize(TEXTS.get(1));
            int[] kept = Arrays.copyOf(ids, 6);
            kept[5] = ids[ids.length - 1]; // [SEP] stays last
            assertArrayEquals(cutting.embedTokens(List.<int[]>of(kept))[0], cutting.embed(List.of(TEXTS.get(1)))[0]);
        }
        try (Model m = load("bert-cls-F32.gguf")) {
            assertEquals(256, m.embedder(EmbeddingOptions.defaults()).maxTokens(), "bert: context_length 256 < batch 512");
        }
    }

    @Test
    void badInputsAreRefusedWithTheirIndex() throws IOException {
        try (Model m = load("bert-cls-F32.gguf")) {
            Embedder e = m.embedder(EmbeddingOptions.defaults());
            IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                    () -> e.embedTokens(List.of(new int[] {101}, new int[0])));
            assertEquals("input 1 has no tokens", empty.getMessage());
            IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                    () -> e.embedTokens(List.<int[]>of(new int[] {101, 625, 102})));
            assertEquals("input 0: token id 625 at index 1 is outside the vocabulary [0, 625)", range.getMessage());
            assertEquals(0, e.embed(List.of()).length);
        }
    }

    @Test
    void poolingMustFitTheOperation() throws IOException {
        try (Model m = load("bert-cls-F32.gguf")) {
            Embedder none = m.embedder(EmbeddingOptions.defaults().withPooling(Pooling.NONE));
            IncompatiblePoolingException e = assertThrows(IncompatiblePoolingException.class, () -> none.embed(TEXTS));
            assertEquals(Pooling.NONE, e.pooling());
            assertThrows(IncompatiblePoolingException.class, () -> m.rerank("q", List.of("d")));
            assertThrows(IncompatiblePoolingException.class,
                    () -> m.embedder(EmbeddingOptions.defaults().withPooling(Pooling.RANK)));
        }
        try (Model r = load("bert-rerank-F32.gguf")) {
            assertThrows(IncompatiblePoolingException.class, () -> r.embed(TEXTS));
            float[] scores = r.rerank("what is the capital of france?", List.of("paris is the capital of france.", "cats sleep"));
            assertEquals(2, scores.length);
            assertEquals(128, r.embedder(EmbeddingOptions.defaults().withPooling(Pooling.CLS)).embed(TEXTS)[0].length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert-cls-F32.gguf", "qwen3-embed-F32.gguf"})
    void embeddingModelsRefuseToGenerate(String file) throws IOException {
        try (Model m = load(file)) {
            assertTrue(m.config().embeddingOnly());
            EmbeddingOnlyModelException e = assertThrows(EmbeddingOnlyModelException.class, m::newSession);
            assertTrue(e.getMessage().contains("is an embedding model"), e.getMessage());
        }
    }

    @Test
    void concurrentCallsGiveTheSameVectors() throws Exception {
        try (Model m = load("qwen3-embed-F32.gguf")) {
            float[][] expected = m.embed(TEXTS);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[][]>> runs = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    runs.add(pool.submit(() -> m.embed(TEXTS)));
                }
                for (Future<float[][]> f : runs) {
                    float[][] got = f.get();
                    for (int i = 0; i < expected.length; i++) {
                        assertArrayEquals(expected[i], got[i]);
                    }
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
