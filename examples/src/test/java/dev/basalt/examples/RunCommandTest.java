package dev.basalt.examples;

import static dev.basalt.examples.InspectCommandTest.basalt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunCommandTest {
    @TempDir
    Path dir;

    /** The bundled model, greedy: llama.cpp's continuation (../shared/testdata/models/SOURCES.md). */
    @Test
    void greedyRunPrintsTheStoryAndASummary() {
        InspectCommandTest.Result r = basalt("run", "--model", "../models/stories260K.gguf", "--prompt", "Once upon a time",
                "-n", "40", "--temp", "0", "--threads", "1");
        assertEquals(0, r.status(), r.err());
        assertEquals("Once upon a time, there was a little girl named Lily. She loved to play outside in the park."
                + " One day, she saw a big, red ball.", r.out().strip());
        assertTrue(Pattern.compile("^basalt run: 5 prompt tokens, 40 generated \\(max tokens\\), prefill [0-9.]+ tok/s,"
                + " decode [0-9.]+ tok/s, load [0-9]+ ms$").matcher(r.err().strip()).matches(), r.err());
    }

    /**
     * {@code --backend auto}: the OpenCL backend where it can run (CI installs PoCL), else the CPU with one line
     * saying why; the greedy story is the same either way.
     */
    @Test
    void autoBackendTellsTheSameStory() {
        InspectCommandTest.Result r = basalt("run", "--model", "../models/stories260K.gguf", "--prompt", "Once upon a time",
                "-n", "32", "--temp", "0", "--backend", "auto");
        assertEquals(0, r.status(), r.err());
        assertEquals("Once upon a time, there was a little girl named Lily. She loved to play outside in the park."
                + " One day, she saw", r.out().strip());
        String first = r.errLines().get(0);
        assertTrue(r.errLines().size() == 1 || first.matches("basalt run: opencl unavailable: .+; running on the CPU"), r.err());
    }

    @Test
    void anUnknownBackendNamesTheAvailableOnes() {
        InspectCommandTest.Result r = basalt("run", "--model", "../models/stories260K.gguf", "--prompt", "x", "--backend", "tpu");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("unknown backend 'tpu'; available: cpu, opencl, auto"), r.err());
    }

    @Test
    void seededSamplingRepeats() {
        String[] args = {"run", "--model", "../models/stories260K.gguf", "--prompt", "Once", "-n", "30", "--seed", "5",
                "--temp", "1.0", "--top-k", "20", "--top-p", "0.9", "--min-p", "0.02", "--repeat-penalty", "1.1"};
        InspectCommandTest.Result a = basalt(args);
        assertEquals(0, a.status(), a.err());
        assertEquals(a.out(), basalt(args).out());
    }

    @Test
    void anImpossibleContextLengthIsOneLine() {
        InspectCommandTest.Result r = basalt("run", "--model", "../models/stories260K.gguf", "--prompt", "x", "-n", "1",
                "--ctx", "100000000");
        assertEquals(1, r.status());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("basalt run: context length 100000000 is too large"), r.err());
    }

    @Test
    void contextOverflowIsOneLine() {
        InspectCommandTest.Result r = basalt("run", "--model", "../models/stories260K.gguf", "--prompt", "Once upon a time",
                "-n", "100", "--ctx", "32");
        assertEquals(1, r.status());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("context overflow"), r.err());
    }

    /**
     * Each family of ../shared/testdata/archs (F32) runs from the command line: greedy, its text is the prompt followed
     * by llama.cpp's 16 greedy tokens as text ({@code generated_text} of the reference; random weights, so gibberish).
     */
    @Tag("testdata")
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama", "qwen2", "qwen3", "phi3", "gemma2", "gemma3"})
    void everyFamilyRunsGreedyAsLlamaCpp(String family) throws IOException {
        Path archs = TestData.path("archs");
        JsonNode prompt = new ObjectMapper().readTree(archs.resolve(family + "-F32.json").toFile()).get("prompts").get(0);
        InspectCommandTest.Result r = basalt("run", "--model", archs.resolve(family + "-F32.gguf").toString(), "--prompt",
                prompt.get("text").asText(), "-n", "16", "--temp", "0", "--threads", "1");
        assertEquals(0, r.status(), r.err());
        assertEquals(collapseReplacements(prompt.get("text").asText() + prompt.get("generated_text").asText()),
                collapseReplacements(r.out().stripTrailing()));
        assertTrue(r.err().contains(prompt.get("n_prompt").asInt() + " prompt tokens, 16 generated"), r.err());
    }

    /**
     * Random weights pick byte tokens that do not form UTF-8; how many U+FFFD an invalid run becomes depends on
     * where a decoder cuts it (the reference decoded each token's bytes, the streaming detokenizer the whole run),
     * so runs of them compare as one.
     */
    private static String collapseReplacements(String s) {
        return s.replaceAll("\uFFFD+", "\uFFFD");
    }

    @Tag("testdata")
    @Test
    void anUnsupportedModelIsOneLine() {
        InspectCommandTest.Result r = basalt("run", "--model", TestData.path("models", "stories260K-ggufv1.gguf").toString(),
                "--prompt", "x");
        assertEquals(1, r.status());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("GGUF v1 is not supported"), r.err());
    }

    @Test
    void usageErrorsExitTwo() throws IOException {
        assertEquals(2, basalt("run", "--prompt", "x").status());
        assertEquals(2, basalt("run", "--model", "../models/stories260K.gguf").status());
        InspectCommandTest.Result r = basalt("run", "--model", "../models/stories260K.gguf", "--prompt", "x", "--temp", "hot");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("basalt run: --temp needs a number, got 'hot'"), r.err());
        r = basalt("run", "--model", "../models/stories260K.gguf", "--prompt", "x", "--top-p", "0");
        assertEquals(2, r.status());
        Path notModel = dir.resolve("x.gguf");
        Files.writeString(notModel, "nope");
        r = basalt("run", "--model", notModel.toString(), "--prompt", "x");
        assertEquals(1, r.status());
        assertEquals(List.of(r.err().strip()), r.errLines());
    }

    @Test
    void jsonSchemaAndGrammarConstrainTheOutput() throws IOException {
        Path schema = Files.writeString(dir.resolve("person.json"), "{\"type\": \"object\", \"properties\": {\"age\": "
                + "{\"type\": \"integer\", \"minimum\": 0, \"maximum\": 120}, \"pet\": {\"enum\": [\"cat\", \"dog\"]}}, "
                + "\"required\": [\"age\", \"pet\"]}");
        InspectCommandTest.Result r = basalt("run", "--model", "../models/stories260K.gguf", "--prompt", "A person: ", "--seed", "3",
                "--json-schema", schema.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out().strip().substring("A person: ".length()));
        assertTrue(doc.get("age").isInt() && doc.get("age").asInt() <= 120 && List.of("cat", "dog").contains(doc.get("pet").asText()),
                doc.toString());
        assertTrue(r.err().contains("(grammar complete)"), r.err());

        Path grammar = Files.writeString(dir.resolve("yes.gbnf"), "root ::= (\"yes\" | \"no\") \".\"\n");
        r = basalt("run", "--model", "../models/stories260K.gguf", "--prompt", "Sure? ", "--grammar", grammar.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(List.of("Sure? yes.", "Sure? no.").contains(r.out().strip()), r.out());
    }

    @Test
    void badGrammarsAndSchemasAreOneLineUsageErrors() throws IOException {
        Path grammar = Files.writeString(dir.resolve("bad.gbnf"), "root ::= \"a\"\n  | item\n");
        InspectCommandTest.Result r = basalt("run", "--model", "../models/stories260K.gguf", "--prompt", "x", "--grammar", grammar.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("basalt run: --grammar " + grammar + ": line 2, column 5: undefined rule 'item'"), r.err());
        Path schema = Files.writeString(dir.resolve("bad.json"), "{\"type\": \"string\", \"pattern\": \"^a\"}");
        r = basalt("run", "--model", "../models/stories260K.gguf", "--prompt", "x", "--json-schema", schema.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unsupported JSON Schema keyword pattern at #"), r.err());
    }
}
