package dev.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.basalt.engine.grammar.Grammar;
import dev.basalt.engine.grammar.GrammarException;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Constrained generation on real vocabularies with random weights: whatever the model would write, the output
 * is a sentence of the grammar. 200 random schemas, each generated on one of three models in turn (Llama BPE,
 * Qwen2 BPE, SentencePiece), and every output must parse and validate with networknt's validator.
 */
@Tag("testdata")
class StructuredGenerationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry VALIDATORS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final List<Model> MODELS = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        MODELS.add(Model.load(TestData.path("archs", "llama-F32.gguf")));
        MODELS.add(Model.load(TestData.path("archs", "qwen2-F32.gguf")));
        MODELS.add(Model.load(TestData.path("models", "stories260K.gguf")));
    }

    @AfterAll
    static void close() {
        MODELS.forEach(Model::close);
    }

    private static GenerationOptions.Builder sampled(long seed) {
        return GenerationOptions.builder().temperature(1f).topK(0).topP(1f).minP(0f).seed(seed).maxTokens(440);
    }

    @Test
    void everyOutputOfTwoHundredRandomSchemasValidates() throws IOException {
        RandomSchemas schemas = new RandomSchemas(20240917);
        int[] completed = new int[MODELS.size()];
        java.util.Set<String> distinct = new java.util.HashSet<>();
        int nested = 0;
        for (int i = 0; i < 200; i++) {
            ObjectNode schema = schemas.next(430);
            Model model = MODELS.get(i % MODELS.size());
            String schemaText = JSON.writeValueAsString(schema);
            GenerationResult r;
            try (Generator g = model.newGenerator(sampled(i).jsonSchema(schemaText).build())) {
                r = g.generate("Once upon a time", t -> {});
            }
            String where = "schema " + i + " on " + model.source() + ": " + schemaText + "\noutput: " + r.text();
            assertNotEquals(StopReason.MAX_TOKENS, r.stopReason(), where);
            JsonNode document = JSON.readTree(r.text());
            Schema validator = VALIDATORS.getSchema(schemaText);
            assertEquals(List.of(), validator.validate(document), where);
            completed[i % MODELS.size()]++;
            distinct.add(r.text().strip());
            if (r.text().indexOf('{') != r.text().lastIndexOf('{') || r.text().contains("[{") || r.text().contains("[[")) {
                nested++;
            }
        }
        for (int c : completed) {
            assertTrue(c >= 66);
        }
        // The property is only worth something if the documents are varied and nested.
        assertTrue(distinct.size() >= 150, distinct.size() + " distinct documents");
        assertTrue(nested >= 20, nested + " documents with nested containers");
    }

    @Test
    void samplersStillApplyAmongAllowedTokens() {
        Model model = MODELS.get(2);
        String digits = "root ::= [0-9]{8}";
        // Greedy: the same text twice; sampled with different seeds: different texts (over 10^8 choices).
        String a = generate(model, GenerationOptions.builder().greedy().grammar(digits).maxTokens(20).build());
        String b = generate(model, GenerationOptions.builder().greedy().grammar(digits).maxTokens(20).build());
        assertEquals(a, b);
        assertTrue(a.matches("[0-9]{8}"), a);
        String s1 = generate(model, sampled(1).grammar(digits).build());
        String s2 = generate(model, sampled(2).grammar(digits).build());
        assertTrue(s1.matches("[0-9]{8}") && s2.matches("[0-9]{8}"), s1 + " " + s2);
        assertNotEquals(s1, s2);
        // top-k 1 among the allowed tokens is greedy among them.
        assertEquals(a, generate(model, sampled(3).topK(1).grammar(digits).build()));
    }

    @Test
    void grammarCompletionEndsGenerationAndIsReported() {
        Model model = MODELS.get(0);
        try (Generator g = model.newGenerator(sampled(7).grammar("root ::= \"yes\" | \"no\"").build())) {
            GenerationResult r = g.generate("Answer:", t -> {});
            assertTrue(r.text().equals("yes") || r.text().equals("no"), r.text());
            assertEquals(StopReason.GRAMMAR_COMPLETE, r.stopReason());
        }
    }

    @Test
    void tokenLimitBeforeCompletionIsReportedAsSuch() {
        Model model = MODELS.get(1);
        try (Generator g = model.newGenerator(sampled(9).maxTokens(5).grammar("root ::= \"[\" [a-z]{40} \"]\"").build())) {
            GenerationResult r = g.generate("x", t -> {});
            assertEquals(StopReason.MAX_TOKENS, r.stopReason());
            assertTrue(r.text().startsWith("["), r.text());
        }
    }

    @Test
    void aGrammarThatCanNeverCompleteIsRefusedBeforeGenerating() {
        GrammarException e = assertThrows(GrammarException.class,
                () -> GenerationOptions.builder().grammar("root ::= \"{\" root \"}\""));
        assertTrue(e.getMessage().contains("can never complete"), e.getMessage());
    }

    @Test
    void grammarsAreReusableAcrossGenerations() {
        Grammar g = Grammar.parse("root ::= \"ok\"");
        try (Generator gen = MODELS.get(2).newGenerator(sampled(1).grammar(g).build())) {
            assertEquals("ok", gen.generate("Once", t -> {}).text());
            assertEquals("ok", gen.generate("Once upon", t -> {}).text());
        }
    }

    private static String generate(Model model, GenerationOptions options) {
        try (Generator g = model.newGenerator(options)) {
            return g.generate("Once upon a time", t -> {}).text();
        }
    }
}
