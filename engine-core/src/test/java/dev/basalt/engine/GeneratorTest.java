package dev.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.gguf.GgufFile;
import dev.basalt.gguf.GgufWriter;
import dev.basalt.gguf.MetadataValue;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation end to end on stories260K: text prompt in, streamed text out, as llama.cpp generates it. */
@Tag("testdata")
class GeneratorTest {
    static Model model;
    static JsonNode reference;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws IOException {
        model = Model.load(TestData.path("models", "stories260K.gguf"), ModelOptions.defaults().withContextLength(256));
        reference = new ObjectMapper().readTree(TestData.path("models", "reference", "stories260K.json").toFile());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    @Test
    void greedyGenerationIsLlamaCppsTokensAndText() {
        List<GeneratedToken> streamed = new ArrayList<>();
        GenerationResult r;
        try (Generator g = model.newGenerator(GenerationOptions.builder().greedy().maxTokens(32).build())) {
            r = g.generate(reference.get("prompt_text").asText(), streamed::add);
        }
        assertEquals(ints(reference.get("prompt_ids")).length, r.promptTokens());
        assertArrayEquals(ints(reference.get("generated_ids")), r.tokens());
        assertEquals(reference.get("generated_text").asText(), r.text());
        assertEquals(StopReason.MAX_TOKENS, r.stopReason());
        assertEquals(32, streamed.size());
        assertEquals(r.text(), streamed.stream().map(GeneratedToken::text).reduce("", String::concat));
    }

    @Test
    void theSameSeedGivesTheSameTextAndAnotherSeedAnotherText() {
        GenerationOptions.Builder b = GenerationOptions.builder().temperature(1.2f).topK(0).topP(1f).minP(0f).maxTokens(48);
        String a = generate(b.seed(11).build());
        assertEquals(a, generate(b.seed(11).build()));
        assertNotEquals(a, generate(b.seed(12).build()));
    }

    private static String generate(GenerationOptions o) {
        try (Generator g = model.newGenerator(o)) {
            return g.generate("Once upon a time", t -> { }).text();
        }
    }

    @Test
    void aStopStringEndsGenerationAndIsNotPrinted() {
        StringBuilder printed = new StringBuilder();
        GenerationResult r;
        try (Generator g = model.newGenerator(GenerationOptions.builder().greedy().maxTokens(64).stopStrings(List.of("Lily")).build())) {
            r = g.generate("Once upon a time", t -> printed.append(t.text()));
        }
        assertEquals(StopReason.STOP_STRING, r.stopReason());
        assertEquals(", there was a little girl named ", r.text());
        assertEquals(r.text(), printed.toString());
    }

    @Test
    void anEndOfGenerationTokenStopsGeneration() throws IOException {
        // The same weights, with EOS declared as "▁Lily": greedy decoding reaches it as its 7th token.
        Path copy = dir.resolve("stories-eos-lily.gguf");
        int lily;
        try (GgufFile g = GgufFile.open(TestData.path("models", "stories260K.gguf"))) {
            lily = List.of(g.metadata().getStringArray("tokenizer.ggml.tokens")).indexOf("▁Lily");
            GgufWriter w = new GgufWriter().putAll(g.metadata()).put("tokenizer.ggml.eos_token_id", MetadataValue.u32(lily));
            g.tensors().forEach(w::tensor);
            w.write(copy);
        }
        try (Model m = Model.load(copy, ModelOptions.defaults().withContextLength(64));
                Generator g = m.newGenerator(GenerationOptions.builder().greedy().maxTokens(50).build())) {
            GenerationResult r = g.generate("Once upon a time", t -> { });
            assertEquals(StopReason.END_OF_GENERATION, r.stopReason());
            assertEquals(lily, r.tokens()[r.tokens().length - 1]);
            assertEquals(", there was a little girl named", r.text());
        }
    }

    @Test
    void withoutATokenLimitGenerationFillsTheContext() {
        try (Generator g = model.newGenerator(GenerationOptions.builder().greedy().maxTokens(0).build(), 24)) {
            GenerationResult r = g.generate("Once upon a time", t -> { });
            assertEquals(StopReason.CONTEXT_FULL, r.stopReason());
            assertEquals(24 - r.promptTokens(), r.generatedTokens());
        }
    }

    @Test
    void aPromptAndBudgetBeyondTheContextAreRefusedBeforeAnyWork() {
        try (Generator g = model.newGenerator(GenerationOptions.builder().greedy().maxTokens(100).build(), 64)) {
            ContextOverflowException e = assertThrows(ContextOverflowException.class, () -> g.generate("Once upon a time", t -> { }));
            assertTrue(e.getMessage().contains("5 tokens + up to 100") && e.getMessage().contains("64"), e.getMessage());
        }
    }

    @Test
    void tokenizerIsTheModelsOwn() {
        assertArrayEquals(ints(reference.get("prompt_ids")), model.tokenizer().encode("Once upon a time", true, false));
    }
}
