package dev.basalt.gguf.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.gguf.ModelFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelManifestTest {
    /** The bundled model's hash as published in models/README.md (computed there with sha256sum). */
    static final String STORIES_SHA256 = "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d";
    static final Path STORIES = Path.of("../models/stories260K.gguf");

    @TempDir
    Path dir;
    Path models;
    Path manifestFile;

    @BeforeEach
    void modelFolder() throws IOException {
        models = Files.createDirectories(dir.resolve("models"));
        Files.copy(STORIES, models.resolve("stories260K.gguf"));
        Files.createDirectories(models.resolve("tok"));
        Files.writeString(models.resolve("tok/tokenizer.json"), "{\"model\": {}}");
        manifestFile = models.resolve("manifest.json");
    }

    private ModelManifest createAndWrite(ManifestFormat format, Path file) throws IOException {
        ModelManifest m = ModelManifest.create(file, List.of(models), HashProgress.NONE);
        try (var out = Files.newOutputStream(file)) {
            m.write(out, format);
        }
        return m;
    }

    @Test
    void createRecordsSizesHashesAndGgufFacts() throws IOException {
        ModelManifest m = createAndWrite(ManifestFormat.JSON, manifestFile);
        assertEquals(List.of("."), m.directories());
        assertEquals(List.of("stories260K.gguf", "tok/tokenizer.json"), m.files().stream().map(ManifestEntry::path).toList(),
                "the manifest never lists itself; paths are relative and '/'-separated");
        ManifestEntry model = m.files().get(0);
        assertEquals(Files.size(STORIES), model.size());
        assertEquals(STORIES_SHA256, model.sha256());
        assertEquals(new GgufFacts(3, "llama", 48, new java.util.TreeMap<>(Map.of("F32", 48))), model.gguf());
        assertNull(m.files().get(1).gguf());

        ModelManifest read = ModelManifest.read(manifestFile);
        assertEquals(m.files(), read.files(), "JSON round trip");
        assertEquals(m.directories(), read.directories());
        assertTrue(read.verify(HashProgress.NONE).ok());
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        createAndWrite(ManifestFormat.JSON, manifestFile);
        Files.copy(STORIES, models.resolve("copy.gguf"));
        flipOneByte(models.resolve("stories260K.gguf"), 700_000);
        Files.delete(models.resolve("tok/tokenizer.json"));
        Files.writeString(models.resolve("notes.txt"), "extra");

        VerificationReport r = ModelManifest.read(manifestFile).verify(HashProgress.NONE);
        assertEquals(0, r.filesMatched());
        List<String> seen = r.problems().stream().map(p -> p.kind() + " " + p.path()).toList();
        assertEquals(List.of("EXTRA copy.gguf", "EXTRA notes.txt", "HASH_MISMATCH stories260K.gguf", "MISSING tok/tokenizer.json"), seen);
        ManifestProblem hash = r.problems().get(2);
        assertEquals(STORIES_SHA256, hash.expected());
        assertEquals(64, hash.actual().length());
        assertTrue(!hash.actual().equals(STORIES_SHA256));
    }

    @Test
    void aTruncatedFileIsASizeMismatchWithoutHashing() throws IOException {
        createAndWrite(ManifestFormat.JSON, manifestFile);
        try (RandomAccessFile f = new RandomAccessFile(models.resolve("stories260K.gguf").toFile(), "rw")) {
            f.setLength(1000);
        }
        VerificationReport r = ModelManifest.read(manifestFile).verify(HashProgress.NONE);
        assertEquals(List.of(new ManifestProblem(ManifestProblem.Kind.SIZE_MISMATCH, "stories260K.gguf",
                Long.toString(Files.size(STORIES)), "1000")), r.problems());
        assertEquals(1, r.filesMatched());
        assertEquals(Files.size(models.resolve("tok/tokenizer.json")), r.bytesHashed(), "only the intact file was hashed");
    }

    @Test
    void verifyModelAcceptsTheIntactFileAndRefusesATamperedOne() throws IOException {
        createAndWrite(ManifestFormat.JSON, manifestFile);
        ModelManifest m = ModelManifest.read(manifestFile);
        Path model = models.resolve("stories260K.gguf");
        List<long[]> progress = new ArrayList<>();
        List<ManifestEntry> ok = m.verifyModel(dir.resolve("models/../models/stories260K.gguf"), (d, t) -> progress.add(new long[] {d, t}));
        assertEquals(List.of("stories260K.gguf"), ok.stream().map(ManifestEntry::path).toList());
        long size = Files.size(STORIES);
        assertEquals(size, progress.getLast()[0]);
        assertTrue(progress.stream().allMatch(p -> p[1] == size));

        flipOneByte(model, 14_176);   // the first byte of the tensor data: the header still parses
        ModelIntegrityException e = assertThrows(ModelIntegrityException.class, () -> m.verifyModel(model, HashProgress.NONE));
        assertEquals(ManifestProblem.Kind.HASH_MISMATCH, e.problem().kind());
        assertTrue(e.getMessage().startsWith("stories260K.gguf does not match manifest " + manifestFile + ": sha256 "), e.getMessage());
        assertTrue(e.getMessage().endsWith(", expected " + STORIES_SHA256), e.getMessage());

        Path other = Files.writeString(dir.resolve("other.gguf"), "x");
        ManifestException notListed = assertThrows(ManifestException.class, () -> m.verifyModel(other, HashProgress.NONE));
        assertTrue(notListed.getMessage().contains("is not listed in manifest"), notListed.getMessage());
    }

    @Test
    void sha256SumsIsCoreutilsFormatAndCoversItsFolder() throws IOException {
        Path sums = models.resolve("SHA256SUMS");
        createAndWrite(ManifestFormat.SHA256SUMS, sums);
        String hashOfTokenizer = new Sha256Hasher(0, HashProgress.NONE).hash(models.resolve("tok/tokenizer.json"));
        assertEquals(STORIES_SHA256 + "  stories260K.gguf\n" + hashOfTokenizer + "  tok/tokenizer.json\n", Files.readString(sums));

        ModelManifest read = ModelManifest.read(sums);
        assertEquals(ManifestEntry.UNKNOWN_SIZE, read.files().get(0).size());
        assertTrue(read.verify(HashProgress.NONE).ok());
        Files.writeString(models.resolve("planted.sh"), "#!/bin/sh");
        assertEquals(List.of(new ManifestProblem(ManifestProblem.Kind.EXTRA, "planted.sh", null, null)),
                ModelManifest.read(sums).verify(HashProgress.NONE).problems());
    }

    @Test
    void filesGivenOneByOneClaimNoFolder() throws IOException {
        Path out = dir.resolve("m.json");
        ModelManifest m = ModelManifest.create(out, List.of(models.resolve("stories260K.gguf")), HashProgress.NONE);
        assertEquals(List.of(), m.directories());
        assertEquals("models/stories260K.gguf", m.files().get(0).path());
        try (var o = Files.newOutputStream(out)) {
            m.write(o, ManifestFormat.JSON);
        }
        Files.writeString(models.resolve("unrelated.txt"), "not covered");
        assertTrue(ModelManifest.read(out).verify(HashProgress.NONE).ok());
    }

    @Test
    void anUnreadableGgufIsRefusedWhenCreating() throws IOException {
        Files.write(models.resolve("broken.gguf"), new byte[] {'G', 'G', 'U', 'F', 1, 0, 0, 0});
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ModelManifest.create(manifestFile, List.of(models), HashProgress.NONE));
        assertTrue(e.getMessage().contains("broken.gguf"), e.getMessage());
    }

    @Test
    void malformedManifestsNameTheField() throws IOException {
        assertEquals(dir.resolve("a.json") + ": field 'files[0].sha256': expected 64 lowercase hex digits, got 'abc'",
                readError("a.json", "{\"manifestVersion\":1,\"directories\":[],\"files\":[{\"path\":\"x\",\"size\":1,\"sha256\":\"abc\"}]}"));
        assertEquals(dir.resolve("b.json") + ": field 'files[0].size': missing",
                readError("b.json", "{\"manifestVersion\":1,\"directories\":[],\"files\":[{\"path\":\"x\",\"sha256\":\"" + STORIES_SHA256 + "\"}]}"));
        assertEquals(dir.resolve("c.json") + ": manifestVersion 2 is not supported (this Basalt reads 1)",
                readError("c.json", "{\"manifestVersion\":2,\"directories\":[],\"files\":[]}"));
        assertTrue(readError("d.json", "{\"manifestVersion\":1,").startsWith(dir.resolve("d.json") + ": not valid JSON: "));
        assertEquals(dir.resolve("SUMS") + ": line 2: expected '<64 hex digits>  <path>' (a JSON manifest starts with '{'), got 'garbage'",
                readError("SUMS", STORIES_SHA256 + "  a\ngarbage\n"));
    }

    @Test
    void hashingSpansManyBuffersAndReportsProgress() throws Exception {
        byte[] data = new byte[9 * 1024 * 1024 + 123];   // more than two 4 MiB buffers, not a multiple of one
        new java.util.Random(7).nextBytes(data);
        Path f = Files.write(dir.resolve("big.bin"), data);
        List<Long> done = new ArrayList<>();
        String hash = new Sha256Hasher(data.length, (d, t) -> done.add(d)).hash(f);
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data)), hash);
        assertEquals(List.of(4L << 20, 8L << 20, (long) data.length), done);
    }

    private String readError(String name, String content) throws IOException {
        Path f = Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
        return assertThrows(ManifestException.class, () -> ModelManifest.read(f)).getMessage();
    }

    static void flipOneByte(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
    }
}
