package dev.basalt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Hugging Face tokenizer.json files give llama.cpp's vector ids where they share the vocabulary. */
@Tag("testdata")
class HuggingFaceVectorsTest {

    static Path tokenizerJson(String name) {
        return TestData.path("tokenizers", name, "tokenizer.json");
    }

    static HuggingFaceTokenizer load(String name) throws IOException {
        long t0 = System.nanoTime();
        HuggingFaceTokenizer t = HuggingFaceTokenizer.load(tokenizerJson(name));
        System.out.printf("loaded %s tokenizer.json in %d ms%n", name, (System.nanoTime() - t0) / 1_000_000);
        return t;
    }

    @ParameterizedTest
    @CsvSource({"llama3, llama-bpe", "qwen3, qwen2"})
    void idsEqualLlamaCppVectors(String tokenizer, String vocab) throws IOException {
        HuggingFaceTokenizer t = load(tokenizer);
        VocabVectors v = VocabVectors.load(vocab);
        StringBuilder failures = new StringBuilder();
        for (int i = 0; i < v.texts().size(); i++) {
            int[] actual = t.encode(v.texts().get(i), false, false);
            if (!Arrays.equals(v.ids().get(i), actual)) {
                failures.append("\n  text ").append(i).append(" ").append(GgufVocabVectorsTest.escape(v.texts().get(i)))
                        .append("\n    expected ").append(Arrays.toString(v.ids().get(i)))
                        .append("\n    actual   ").append(Arrays.toString(actual));
            }
        }
        if (!failures.isEmpty()) {
            fail(tokenizer + " vs " + vocab + ":" + failures);
        }
    }

    @Test
    void gemma3LoadsAndRoundTripsEveryVectorText() throws IOException {
        HuggingFaceTokenizer t = load("gemma3");
        assertEquals(262145, t.vocabulary().size());
        for (String text : VocabVectors.load("gpt-2").texts()) {
            assertEquals(text, t.decode(t.encode(text)), () -> "round trip of " + GgufVocabVectorsTest.escape(text));
        }
        int[] hello = t.encode("Hello world", true, false);
        assertEquals(2, hello[0], "Gemma's TemplateProcessing / add_bos_token puts <bos> first");
        assertTrue(t.chatTemplate().isPresent());
    }
}
