package dev.basalt.examples;

import static dev.basalt.examples.InspectCommandTest.basalt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestCommandTest {
    private static final Path STORIES = Path.of("../models/stories260K.gguf");

    @TempDir
    Path dir;

    @Test
    void theCommittedManifestOfTheBundledModelVerifies() {
        InspectCommandTest.Result r = basalt("manifest", "verify", "../models/stories260K.manifest.json");
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals("OK: 1 file (1.1 MiB) verified against ../models/stories260K.manifest.json", r.out().strip());
    }

    @Test
    void createThenVerifyThenTamper() throws IOException {
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.copy(STORIES, models.resolve("stories260K.gguf"));
        Files.writeString(models.resolve("README.md"), "readme");
        Path manifest = models.resolve("manifest.json");

        InspectCommandTest.Result created = basalt("manifest", "create", models.toString(), "-o", manifest.toString());
        assertEquals(0, created.status(), created.err());
        assertTrue(created.err().matches("basalt manifest: 2 files, 1\\.1 MiB hashed in [0-9.]+ s \\([0-9]+ MB/s\\) -> .*manifest\\.json\\R"),
                created.err());
        String json = Files.readString(manifest);
        assertTrue(json.contains("\"architecture\" : \"llama\""), json);
        assertTrue(json.contains("\"tensorTypes\" : {\n        \"F32\" : 48"), json);
        assertEquals(0, basalt("manifest", "verify", manifest.toString()).status());

        try (RandomAccessFile f = new RandomAccessFile(models.resolve("stories260K.gguf").toFile(), "rw")) {
            f.seek(500_000);
            f.write(0x7f);
        }
        Files.delete(models.resolve("README.md"));
        Files.writeString(models.resolve("extra.bin"), "x");
        InspectCommandTest.Result r = basalt("manifest", "verify", manifest.toString());
        assertEquals(1, r.status());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(0).matches("MISSING +README\\.md: listed in the manifest, not found"), lines.get(0));
        assertTrue(lines.get(1).matches("EXTRA +extra\\.bin: not listed in the manifest"), lines.get(1));
        assertTrue(lines.get(2).matches("HASH_MISMATCH +stories260K\\.gguf: expected sha256 270cba1b[0-9a-f]{56}, computed [0-9a-f]{64}"),
                lines.get(2));
        assertEquals(List.of("basalt manifest verify: " + manifest + " does not match: 1 missing, 1 extra, 1 hash mismatch"
                + " (0 of 2 listed files intact)"), r.errLines());
    }

    @Test
    void runVerifyLoadsAnIntactModelAndRefusesATamperedOne() throws IOException {
        Path model = Files.copy(STORIES, dir.resolve("stories260K.gguf"));
        Path manifest = dir.resolve("m.json");
        assertEquals(0, basalt("manifest", "create", model.toString(), "-o", manifest.toString()).status());
        String[] run = {"run", "--model", model.toString(), "--verify", manifest.toString(), "--prompt", "Once", "-n", "4", "--temp", "0"};
        InspectCommandTest.Result ok = basalt(run);
        assertEquals(0, ok.status(), ok.err());
        assertTrue(ok.out().startsWith("Once upon a time"), ok.out());

        try (RandomAccessFile f = new RandomAccessFile(model.toFile(), "rw")) {
            f.seek(Files.size(model) - 1);
            f.write(0x55);
        }
        InspectCommandTest.Result refused = basalt(run);
        assertEquals(1, refused.status());
        assertEquals("", refused.out(), "nothing is generated from a tampered model");
        assertEquals(1, refused.errLines().size(), refused.err());
        assertTrue(refused.err().startsWith("basalt run: stories260K.gguf does not match manifest " + manifest + ": sha256 "), refused.err());

        InspectCommandTest.Result unlisted = basalt("run", "--model", STORIES.toString(), "--verify", manifest.toString(), "--prompt", "x");
        assertEquals(1, unlisted.status());
        assertTrue(unlisted.err().contains("is not listed in manifest"), unlisted.err());

        // serve and chat share the option: the tampered model is refused before a port opens or a turn is read.
        InspectCommandTest.Result serve = basalt("serve", "--model", model.toString(), "--verify", manifest.toString(),
                "--port", "0", "--template", "../models/chatml.jinja");
        assertEquals(1, serve.status());
        assertTrue(serve.err().startsWith("basalt serve: stories260K.gguf does not match manifest "), serve.err());
        InspectCommandTest.Result chat = basalt("chat", "--model", model.toString(), "--verify", manifest.toString(),
                "--template", "../models/chatml.jinja");
        assertEquals(1, chat.status());
        assertTrue(chat.err().startsWith("basalt chat: stories260K.gguf does not match manifest "), chat.err());
    }

    @Test
    void sha256SumsFormatAndUsageErrors() throws IOException {
        Path sums = dir.resolve("SHA256SUMS");
        Files.copy(STORIES, dir.resolve("stories260K.gguf"));
        assertEquals(0, basalt("manifest", "create", dir.toString(), "--format", "sha256sums", "-o", sums.toString()).status());
        assertEquals("270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d  stories260K.gguf\n", Files.readString(sums));
        assertEquals(0, basalt("manifest", "verify", sums.toString()).status());

        assertEquals(2, basalt("manifest").status());
        assertEquals(2, basalt("manifest", "check", "x").status());
        assertEquals(2, basalt("manifest", "create").status());
        assertEquals(2, basalt("manifest", "create", dir.toString(), "--format", "xml").status());
        InspectCommandTest.Result missing = basalt("manifest", "verify", dir.resolve("nope.json").toString());
        assertEquals(1, missing.status());
        assertEquals(List.of("basalt manifest: no such file: " + dir.resolve("nope.json")), missing.errLines());
    }

    @Test
    void progressBarLine() {
        ProgressBar bar = new ProgressBar(System.err, "hashing");
        assertEquals("hashing [===============>              ] 512.0 MiB / 1.0 GiB  50%  256.0 MiB/s  ETA 0:02 ",
                bar.line(512L << 20, 1L << 30, 2_000_000_000L));
        assertEquals("hashing [==============================] 1.0 GiB / 1.0 GiB 100%  1.0 GiB/s  ETA 0:00 ",
                bar.line(1L << 30, 1L << 30, 1_000_000_000L));
    }
}
