package dev.basalt.engine.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The oracle's own contract: state handling, positions, lifecycle, and that it leaves no thread behind. */
@Tag("oracle")
class LlamaCppOracleTest {
    private static final int[] PROMPT = {1, 400, 17, 259, 42, 280, 99, 310, 350, 270};

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() throws Exception {
        model = dir.resolve("oracle-test.gguf");
        SyntheticLlama.write(SyntheticLlama.Spec.llama(64, 2, 4, 2, 96, 512), model);
    }

    @Test
    void runsAreRepeatableBecauseEachPromptStartsFromAnEmptyCache() {
        try (LlamaCppOracle oracle = LlamaCppOracle.open(model, 64)) {
            LlamaCppOracle.Greedy first = oracle.run(PROMPT, 6);
            oracle.run(new int[] {1, 300, 301}, 3); // something else in between
            LlamaCppOracle.Greedy second = oracle.run(PROMPT, 6);
            assertArrayEquals(first.generatedIds(), second.generatedIds());
            assertArrayEquals(first.rows(), second.rows()); // bit-identical
            assertEquals(PROMPT.length + 6, oracle.position());
        }
    }

    @Test
    void stepLogitsAreThoseOfDecodingTheGeneratedTokensOneByOne() {
        try (LlamaCppOracle oracle = LlamaCppOracle.open(model, 64)) {
            LlamaCppOracle.Greedy run = oracle.run(PROMPT, 4);
            assertEquals(PROMPT.length + 4, run.rows().length);
            assertEquals(LlamaCppOracle.Greedy.argmax(run.promptLogits()[PROMPT.length - 1]), run.generatedIds()[0]);
            oracle.promptLogits(PROMPT);
            for (int j = 0; j < 4; j++) {
                assertArrayEquals(run.stepLogits()[j], oracle.decodeOne(run.generatedIds()[j]));
                if (j + 1 < 4) {
                    assertEquals(LlamaCppOracle.Greedy.argmax(run.stepLogits()[j]), run.generatedIds()[j + 1]);
                }
            }
        }
    }

    @Test
    void aPrefixBatchGivesThePrefixRows() {
        // Causal attention: row i does not depend on later tokens; a smaller batch may sum in another order.
        try (LlamaCppOracle oracle = LlamaCppOracle.open(model, 64)) {
            float[][] full = oracle.promptLogits(PROMPT);
            float[][] prefix = oracle.promptLogits(java.util.Arrays.copyOf(PROMPT, 4));
            for (int r = 0; r < 4; r++) {
                for (int i = 0; i < full[r].length; i++) {
                    assertEquals(full[r][i], prefix[r][i], 1e-4f, "row " + r + " id " + i);
                }
            }
        }
    }

    @Test
    void promptLastLogitsIsTheLastRowOfPromptLogitsOnAnyNumberOfThreads() {
        // One output row is a mat-vec and many rows a mat-mat, which ggml may sum in another order; threads split
        // rows among themselves. Hence 1e-4, far below the logits' spread of several units.
        float[] last;
        try (LlamaCppOracle oracle = LlamaCppOracle.open(model, 64)) {
            float[][] rows = oracle.promptLogits(PROMPT);
            last = rows[rows.length - 1];
            assertClose(last, oracle.promptLastLogits(PROMPT));
        }
        try (LlamaCppOracle twoThreads = LlamaCppOracle.open(model, 64, 2)) {
            assertClose(last, twoThreads.promptLastLogits(PROMPT));
            assertEquals(PROMPT.length, twoThreads.position());
        }
        assertThrows(IllegalArgumentException.class, () -> LlamaCppOracle.open(model, 64, 0));
    }

    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4f, "id " + i);
        }
    }

    @Test
    void misuseFailsClearly() {
        LlamaCppOracle oracle = LlamaCppOracle.open(model, 16);
        assertThrows(IllegalStateException.class, () -> oracle.decodeOne(5), "decodeOne before a prompt");
        assertThrows(IllegalArgumentException.class, () -> oracle.promptLogits(new int[17]), "beyond n_ctx");
        assertThrows(IllegalArgumentException.class, () -> oracle.promptLogits(new int[] {1, 512}), "id outside vocab");
        oracle.close();
        oracle.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> oracle.promptLogits(PROMPT));
        assertThrows(IllegalStateException.class, () -> oracle.tokenize("a", true, false));
    }

    @Test
    void aVocabularyOnlyOracleTokenizesButDoesNotDecode() {
        try (LlamaCppOracle vocab = LlamaCppOracle.openVocabulary(model);
                LlamaCppOracle full = LlamaCppOracle.open(model, 16)) {
            assertEquals(512, vocab.vocabSize());
            String text = "ab a b\u00e9\n";
            assertArrayEquals(full.tokenize(text, true, false), vocab.tokenize(text, true, false));
            assertEquals(1, vocab.tokenize(text, true, false)[0]);
            assertArrayEquals(new int[] {1, 2}, vocab.tokenize("<s></s>", false, true));
            assertThrows(IllegalStateException.class, () -> vocab.promptLogits(new int[] {1}));
        }
    }

    @Test
    void leavesNoThreadBehind() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (LlamaCppOracle oracle = LlamaCppOracle.open(model, 64)) {
            oracle.run(PROMPT, 4);
        }
        Set<String> added = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive() && !t.isDaemon())
                .map(Thread::getName).collect(Collectors.toSet());
        assertTrue(added.isEmpty(), "non-daemon threads left running: " + added);
    }
}
