package dev.basalt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.gguf.GgufFile;
import dev.basalt.gguf.Metadata;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code tokenizer.ggml.*} metadata written from a real Hugging Face {@code tokenizer.json} equals what llama.cpp's
 * converter wrote into its test vocabularies (tokens, token types, merges, pre-tokenizer name), and the tokenizer
 * built from it gives llama.cpp's ids on every text of the vocabulary's vectors.
 */
@Tag("testdata")
class GgufTokenizerMetadataTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"llama3, llama-bpe, 128256", "qwen3, qwen2, 151936"})
    void matchesLlamaCppVocabulary(String hf, String vocab, int size) throws IOException {
        Path json = TestData.path("tokenizers", hf, "tokenizer.json");
        Metadata md = new Metadata(json.toString(), GgufTokenizerMetadata.fromHuggingFace(json, size, Map.of()));
        assertEquals("gpt2", md.getString("tokenizer.ggml.model"));
        assertEquals(vocab, md.getString("tokenizer.ggml.pre"));
        assertTrue(md.has("tokenizer.chat_template"));
        try (GgufFile reference = GgufFile.open(VocabVectors.gguf(vocab))) {
            Metadata expected = reference.metadata();
            String[] tokens = md.getStringArray("tokenizer.ggml.tokens");
            String[] expectedTokens = expected.getStringArray("tokenizer.ggml.tokens");
            // Qwen3's added tokens beyond Qwen2's are the only difference: compare Qwen2's ids.
            int common = Math.min(tokens.length, expectedTokens.length);
            for (int i = 0; i < common; i++) {
                if (!expectedTokens[i].startsWith("[PAD") && !expectedTokens[i].startsWith("<|")) {
                    assertEquals(expectedTokens[i], tokens[i], "token " + i);
                }
            }
            assertArrayEquals(expected.getStringArray("tokenizer.ggml.merges"), md.getStringArray("tokenizer.ggml.merges"));
            if (hf.equals("llama3")) {
                assertArrayEquals(expectedTokens, tokens);
                assertArrayEquals(expected.getIntArray("tokenizer.ggml.token_type"), md.getIntArray("tokenizer.ggml.token_type"));
                assertEquals(expected.getInt("tokenizer.ggml.bos_token_id"), md.getInt("tokenizer.ggml.bos_token_id"));
            }
        }
        Tokenizer t = Tokenizers.fromGguf(md);
        VocabVectors v = VocabVectors.load(vocab);
        for (int i = 0; i < v.texts().size(); i++) {
            assertArrayEquals(v.ids().get(i), t.encode(v.texts().get(i), false, false),
                    vocab + " text " + i + " " + GgufVocabVectorsTest.escape(v.texts().get(i)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"gemma3"})
    void refusesTokenizersGgufCannotHoldAsByteLevelBpe(String hf) {
        Path json = TestData.path("tokenizers", hf, "tokenizer.json");
        TokenizerException e = assertThrows(TokenizerException.class,
                () -> GgufTokenizerMetadata.fromHuggingFace(json, 262144, Map.of()));
        assertTrue(e.getMessage().contains(json.toString()) && e.getMessage().contains("byte_fallback"), e.getMessage());
    }
}
