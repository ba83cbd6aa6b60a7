package dev.basalt.examples;

import static dev.basalt.examples.InspectCommandTest.basalt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.engine.hf.HfFolderFixture;
import dev.basalt.gguf.GgufFile;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code basalt convert} and {@code basalt quantize} from the command line: outputs, summaries, one-line errors. */
@Tag("testdata")
class ConvertCommandTest {
    @TempDir
    Path dir;

    @Test
    void convertsAFolderAndRunsIt() throws IOException {
        Path folder = HfFolderFixture.write("qwen2", dir.resolve("qwen2"), 2);
        Path out = dir.resolve("qwen2-Q8_0.gguf");
        InspectCommandTest.Result r = basalt("convert", folder.toString(), out.toString(), "--type", "q8_0", "--threads", "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().matches("(?s)basalt convert: wrote .*qwen2-Q8_0.gguf \\(Q8_0, .*\\) in [0-9.]+ s: 11 F32, 15 Q8_0\\s*"), r.err());
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(GgmlType.Q8_0, f.tensor("blk.0.attn_q.weight").type());
            assertEquals("qwen2", f.metadata().getString("tokenizer.ggml.pre"));
        }
        r = basalt("run", "--model", folder.toString(), "--prompt", "Hello", "-n", "4", "--temp", "0", "--threads", "1");
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void quantizeRefusesRequantizingInOneLine() {
        Path out = dir.resolve("out.gguf");
        InspectCommandTest.Result r = basalt("quantize", TestData.path("archs", "llama-Q8_0.gguf").toString(),
                out.toString(), "--type", "Q4_0");
        assertEquals(1, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("is already Q8_0") && r.err().contains("--allow-requantize"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void convertNamesTheMissingConfigField() throws IOException {
        Path folder = HfFolderFixture.write("phi3", dir.resolve("phi3"), 1);
        Files.writeString(folder.resolve("config.json"), "{\"architectures\": [\"Phi3ForCausalLM\"]}");
        InspectCommandTest.Result r = basalt("convert", folder.toString(), dir.resolve("o.gguf").toString());
        assertEquals(1, r.status());
        assertEquals("basalt convert: " + folder.resolve("config.json") + ": field 'hidden_size': missing (required)",
                r.err().strip());
    }

    @Test
    void wrongInputKindIsAUsageError() {
        InspectCommandTest.Result r = basalt("quantize", dir.toString(), dir.resolve("o.gguf").toString(), "--type", "Q4_0");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("use basalt convert"), r.err());
    }
}
