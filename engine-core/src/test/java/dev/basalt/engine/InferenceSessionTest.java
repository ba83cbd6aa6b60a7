package dev.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Session behaviour on stories260K: context overflow, rewind, parallel sessions, batch vs one-by-one. */
@Tag("testdata")
class InferenceSessionTest {
    private static final int[] PROMPT = {1, 403, 407, 261, 378};
    private static final int[] NEXT = {432, 383, 286, 261};
    private static Model model;

    @BeforeAll
    static void load() throws IOException {
        model = Model.load(TestData.path("models", "stories260K.gguf"), ModelOptions.defaults().withContextLength(16));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void contextOverflowIsRefusedBeforeAnyWork() {
        try (InferenceSession s = model.newSession(8)) {
            assertEquals(8, s.contextLength());
            s.forward(PROMPT, false);
            ContextOverflowException e = assertThrows(ContextOverflowException.class, () -> s.forward(NEXT, false));
            assertEquals(5, e.position());
            assertEquals(4, e.requested());
            assertEquals(8, e.contextLength());
            assertTrue(e.getMessage().contains("5") && e.getMessage().contains("4") && e.getMessage().contains("8"),
                    e.getMessage());
            assertEquals(5, s.position());
            s.forward(new int[] {NEXT[0], NEXT[1], NEXT[2]}, false); // exactly fills the context
            assertEquals(8, s.position());
        }
    }

    @Test
    void rewindReplaysIdentically() {
        try (InferenceSession s = model.newSession()) {
            s.forward(PROMPT, false);
            float[] first = s.forward(NEXT, true);
            s.rewind(PROMPT.length);
            assertEquals(PROMPT.length, s.position());
            float[] again = s.forward(NEXT, true);
            assertArrayEquals(first, again);
            assertThrows(IllegalArgumentException.class, () -> s.rewind(s.position() + 1));
            assertThrows(IllegalArgumentException.class, () -> s.rewind(-1));
            s.rewind(0);
            assertEquals(0, s.position());
        }
    }

    @Test
    void lastLogitsAreTheLastRowOfAllLogits() {
        int vocab = model.config().vocabSize();
        try (InferenceSession a = model.newSession(); InferenceSession b = model.newSession()) {
            float[] all = a.forward(PROMPT, true);
            float[] last = b.forward(PROMPT, false);
            assertEquals(PROMPT.length * vocab, all.length);
            assertArrayEquals(Arrays.copyOfRange(all, (PROMPT.length - 1) * vocab, PROMPT.length * vocab), last);
        }
    }

    @Test
    void parallelSessionsOnOneModelAgree() throws Exception {
        float[] expected;
        try (InferenceSession s = model.newSession()) {
            s.forward(PROMPT, false);
            expected = s.forward(NEXT, true);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<float[]>[] results = new Future[4];
            for (int i = 0; i < results.length; i++) {
                results[i] = pool.submit(() -> {
                    try (InferenceSession s = model.newSession()) {
                        s.forward(PROMPT, false);
                        return s.forward(NEXT, true);
                    }
                });
            }
            for (Future<float[]> f : results) {
                assertArrayEquals(expected, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void threadCountDoesNotChangeTheBits() throws IOException {
        float[] expected;
        try (InferenceSession s = model.newSession()) {
            expected = s.forward(PROMPT, true);
        }
        try (Model one = Model.load(TestData.path("models", "stories260K.gguf"), ModelOptions.defaults().withThreads(1));
                InferenceSession s = one.newSession(16)) {
            assertArrayEquals(expected, s.forward(PROMPT, true));
        }
    }

    @Test
    void closedModelRefusesWork() throws IOException {
        Model m = Model.load(TestData.path("models", "stories260K.gguf"));
        InferenceSession s = m.newSession(8);
        m.close();
        assertThrows(IllegalStateException.class, () -> s.forward(PROMPT, false));
        assertThrows(IllegalStateException.class, () -> m.newSession());
        m.close(); // idempotent
    }
}
