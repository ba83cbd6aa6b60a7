package dev.basalt.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.tensor.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @TempDir
    Path dir;

    record Result(int status, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Result basalt(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Basalt.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Tag("testdata")
    @Test
    void showsVersionMetadataAndTensorTable() {
        Result r = basalt("inspect", TestData.path("models", "stories260K.gguf").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("format:   GGUF v3, alignment 32, data section at byte 14176"), r.out());
        assertTrue(r.out().contains("metadata: 19 keys"));
        assertTrue(Pattern.compile("(?m)^  general\\.architecture +STRING +\"llama\"$").matcher(r.out()).find(), r.out());
        // Long arrays are summarized, not dumped.
        assertTrue(r.out().contains("STRING[512] [\"<unk>\", \"<s>\", \"</s>\""), r.out());
        assertTrue(r.out().contains("... 504 more]"));
        assertTrue(r.out().contains("tensors:  48 (292,800 parameters"));
        assertTrue(Pattern.compile("(?m)^  blk\\.0\\.ffn_down\\.weight +F32 +\\[172, 64\\] +355840 +44032$").matcher(r.out()).find(), r.out());
    }

    @Tag("testdata")
    @Test
    void quantizedTypesAreShown() {
        Result r = basalt("inspect", TestData.path("models", "synthetic-llama-256-Q4_K_M.gguf").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Pattern.compile("(?m)^  blk\\.1\\.attn_v\\.weight +Q6_K +\\[256, 64\\] ").matcher(r.out()).find(), r.out());
    }

    @Tag("testdata")
    @Test
    void ggufV1IsOneClearLineAndExitOne() {
        Result r = basalt("inspect", TestData.path("models", "stories260K-ggufv1.gguf").toString());
        assertEquals(1, r.status());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("stories260K-ggufv1.gguf: at byte offset 4: GGUF v1 is not supported"), r.err());
        assertEquals("", r.out());
    }

    @Tag("testdata")
    @Test
    void debugAddsTheStackTrace() {
        Result r = basalt("inspect", "--debug", TestData.path("models", "stories260K-ggufv1.gguf").toString());
        assertEquals(1, r.status());
        assertTrue(r.errLines().size() > 3 && r.err().contains("at dev.basalt.gguf.GgufFile"), r.err());
    }

    @Test
    void missingFileIsOneLine() {
        Result r = basalt("inspect", dir.resolve("nope.gguf").toString());
        assertEquals(1, r.status());
        assertEquals(List.of("basalt inspect: no such file: " + dir.resolve("nope.gguf")), r.errLines());
    }

    @Test
    void aFileThatIsNeitherFormatIsOneLine() throws IOException {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello");
        Result r = basalt("inspect", text.toString());
        assertEquals(1, r.status());
        assertEquals(1, r.errLines().size());
        assertTrue(r.err().contains("neither a GGUF file"), r.err());
    }

    @Test
    void truncatedSafetensorsIsOneLine() throws IOException {
        Path f = dir.resolve("model.safetensors");
        Files.write(f, new byte[] {100, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        Result r = basalt("inspect", f.toString());
        assertEquals(1, r.status());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("header length 100 does not fit"), r.err());
    }

    @Test
    void showsASafetensorsFile() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,12]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Path f = dir.resolve("model.safetensors");
        Files.write(f, b.array());
        Result r = basalt("inspect", dir.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("format:   safetensors, 1 file"), r.out());
        assertTrue(r.out().contains("format = \"pt\""), r.out());
        assertTrue(Pattern.compile("(?m)^  w +BF16 +\\[2, 3\\] +0 +12$").matcher(r.out()).find(), r.out());
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, basalt().status());
        Result r = basalt("frobnicate");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown command 'frobnicate'"));
        r = basalt("inspect");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("basalt inspect: which file?"), r.err());
        r = basalt("inspect", "--bogus", "x");
        assertEquals(2, r.status());
        assertFalse(r.err().contains("Exception"));
    }

    @Test
    void helpListsInspect() {
        Result r = basalt("help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("inspect"));
        assertTrue(basalt("help", "inspect").out().startsWith("usage: basalt inspect"));
    }
}
