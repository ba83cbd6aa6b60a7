package dev.basalt.examples;

import static dev.basalt.examples.InspectCommandTest.basalt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeCommandTest {
    @TempDir
    Path dir;

    /** The bundled model's tokenizer gives llama.cpp's prompt ids (../shared/testdata/models/reference/stories260K.json). */
    @Test
    void idsThenPiecesAndBosOnlyWhenAsked() {
        InspectCommandTest.Result r = basalt("tokenize", "../models/stories260K.gguf", "Once upon a time");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("403 407 261 378", lines.get(0));
        assertEquals(5, lines.size());
        assertTrue(lines.get(1).matches(" +403  \"▁Once\""), lines.get(1));
        r = basalt("tokenize", "../models/stories260K.gguf", "Once upon a time", "--add-special", "--ids-only");
        assertEquals(List.of("1 403 407 261 378"), r.out().lines().toList());
    }

    @Test
    void textFromAFile() throws IOException {
        Path text = dir.resolve("prompt.txt");
        Files.writeString(text, "Once upon a time");
        InspectCommandTest.Result r = basalt("tokenize", "../models/stories260K.gguf", "--file", text.toString(), "--ids-only");
        assertEquals(List.of("403 407 261 378"), r.out().lines().toList());
    }

    @Tag("testdata")
    @Test
    void specialTokenTextIsParsedOnlyWhenAsked() {
        String json = TestData.path("tokenizers", "llama3", "tokenizer.json").toString();
        InspectCommandTest.Result plain = basalt("tokenize", json, "<|eot_id|>", "--ids-only");
        InspectCommandTest.Result parsed = basalt("tokenize", json, "<|eot_id|>", "--ids-only", "--parse-special");
        assertEquals(List.of("128009"), parsed.out().lines().toList());
        assertTrue(plain.out().strip().split(" ").length > 1, plain.out());
    }

    @Test
    void errorsAreOneLine() {
        InspectCommandTest.Result r = basalt("tokenize", dir.resolve("missing.gguf").toString(), "x");
        assertEquals(1, r.status());
        assertEquals(1, r.errLines().size());
        r = basalt("tokenize", "../models/stories260K.gguf");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("basalt tokenize: which text?"), r.err());
    }
}
