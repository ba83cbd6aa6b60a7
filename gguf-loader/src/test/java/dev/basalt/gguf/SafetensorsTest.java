package dev.basalt.gguf;

import static dev.basalt.gguf.SafetensorsBuilder.pattern;
import static dev.basalt.gguf.SafetensorsBuilder.raw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The safetensors reader on files the tests write themselves: every dtype, sharded models, one test per kind of
 * malformed header (each must be a {@link ModelFormatException} naming the file and the problem), and a seeded
 * mutation run in which nothing but a clean open or a ModelFormatException may come out.
 */
class SafetensorsTest {
    private static final String SRC = "bad.safetensors";

    /** The ggml type each dtype must map to, written out independently of {@link SafetensorsDtype#ggmlType}. */
    private static final Map<SafetensorsDtype, GgmlType> GGML = new EnumMap<>(Map.of(
            SafetensorsDtype.F64, GgmlType.F64, SafetensorsDtype.F32, GgmlType.F32, SafetensorsDtype.F16, GgmlType.F16,
            SafetensorsDtype.BF16, GgmlType.BF16, SafetensorsDtype.I64, GgmlType.I64, SafetensorsDtype.I32, GgmlType.I32,
            SafetensorsDtype.I16, GgmlType.I16, SafetensorsDtype.I8, GgmlType.I8));

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- valid files

    @Test
    void everyDtypeReadsBackItsBytesShapeAndGgmlType() throws IOException {
        SafetensorsBuilder b = new SafetensorsBuilder();
        long[][] shapes = {{2, 3}, {5}, {2, 1, 3}};
        int i = 0;
        for (SafetensorsDtype d : SafetensorsDtype.values()) {
            long[] shape = shapes[i % shapes.length];
            b.tensor("t." + d, d.name(), shape, pattern((int) (count(shape) * d.bytes()), i));
            i++;
        }
        Path file = b.write(dir.resolve("all.safetensors"));
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertEquals(Files.size(file), st.fileSize());
            assertEquals(SafetensorsDtype.values().length, st.tensorInfos().size());
            long dataStart = 8 + b.headerJson().getBytes(StandardCharsets.UTF_8).length;
            long begin = 0;
            for (SafetensorsBuilder.Entry e : b.entries()) {
                SafetensorsDtype d = SafetensorsDtype.valueOf(e.dtype());
                SafetensorsTensorInfo info = st.info(e.name()).orElseThrow();
                assertEquals(d, info.dtype());
                assertArrayEquals(e.shape(), info.shape(), e.name());
                assertArrayEquals(reversed(e.shape()), info.ggmlShape(), e.name());
                assertEquals(begin, info.begin());
                assertEquals(begin + e.data().length, info.end());
                assertEquals(dataStart + begin, info.fileOffset());
                assertEquals(file.toString(), info.file());
                begin += e.data().length;

                MemorySegment data = st.data(e.name());
                assertTrue(data.isReadOnly());
                assertArrayEquals(e.data(), bytes(data), e.name());

                GgmlType expected = GGML.get(d);
                assertEquals(expected, d.ggmlType(), d.name());
                if (expected != null) {
                    Tensor t = st.tensor(e.name());
                    assertEquals(expected, t.type(), e.name());
                    assertEquals(e.name(), t.name());
                    assertArrayEquals(reversed(e.shape()), t.shape(), e.name());
                    assertArrayEquals(e.data(), bytes(t.data()), e.name());
                } else {
                    ModelFormatException ex = assertThrows(ModelFormatException.class, () -> st.tensor(e.name()));
                    assertContains(ex, file.toString(), e.name(), d.name(), "no ggml equivalent");
                }
            }
        }
    }

    @Test
    void u8TensorRefusesTensorButGivesData() {
        byte[] data = {0, 1, (byte) 200, (byte) 255};
        SafetensorsFile st = SafetensorsFile.read(new SafetensorsBuilder().tensor("mask", "U8", new long[] {2, 2}, data).segment(), "u8.safetensors");
        ModelFormatException ex = assertThrows(ModelFormatException.class, () -> st.tensor("mask"));
        assertContains(ex, "u8.safetensors", "'mask'", "dtype U8");
        assertArrayEquals(data, bytes(st.data("mask")));
    }

    @Test
    void f32ValuesAreLittleEndianAndTheMatrixShapeIsReversed() {
        float[] values = {1.5f, -2f, 3.25f, 0f, 1e-3f, 65504f};
        ByteBuffer buf = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        SafetensorsFile st = SafetensorsFile.read(new SafetensorsBuilder().tensor("w", "F32", new long[] {2, 3}, buf.array()).segment(), "f.safetensors");
        Tensor t = st.tensor("w");
        assertEquals(GgmlType.F32, t.type());
        assertArrayEquals(new long[] {3, 2}, t.shape(), "2 rows of 3 columns is ggml [cols=3, rows=2]");
        assertEquals(2, t.rows());
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], t.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i));
        }
    }

    @Test
    void metadataIsReadAndAbsentMetadataIsEmpty() {
        SafetensorsFile st = SafetensorsFile.read(new SafetensorsBuilder().metadata("format", "pt").metadata("note", "é \"quoted\"")
                .tensor("x", "F16", new long[] {1}, pattern(2, 1)).segment(), "m.safetensors");
        assertEquals(Map.of("format", "pt", "note", "é \"quoted\""), st.metadata());
        assertEquals(List.of("x"), st.tensorInfos().stream().map(SafetensorsTensorInfo::name).toList());

        SafetensorsFile none = SafetensorsFile.read(new SafetensorsBuilder().tensor("x", "F16", new long[] {1}, pattern(2, 1)).segment(), "n");
        assertTrue(none.metadata().isEmpty());
        SafetensorsFile empty = SafetensorsFile.read(MemorySegment.ofArray(raw("{}", new byte[0])), "e");
        assertTrue(empty.tensorInfos().isEmpty());
        assertTrue(empty.metadata().isEmpty());
    }

    @Test
    void zeroElementAndScalarTensors() {
        SafetensorsBuilder b = new SafetensorsBuilder()
                .tensor("empty", "F32", new long[] {0}, new byte[0])
                .tensor("w", "F32", new long[] {2}, pattern(8, 3))
                .tensor("empty2d", "BF16", new long[] {3, 0}, new byte[0])
                .tensor("scalar", "I32", new long[] {}, pattern(4, 4))
                .tensor("tail", "U8", new long[] {0, 7}, new byte[0]);
        SafetensorsFile st = SafetensorsFile.read(b.segment(), "z.safetensors");
        assertEquals(5, st.tensorInfos().size());
        // "empty" sits at offset 0 like "w": a zero-length range overlaps nothing.
        assertEquals(st.info("w").orElseThrow().begin(), st.info("empty").orElseThrow().begin());
        assertEquals(0, st.data("empty").byteSize());
        assertEquals(0, st.tensor("empty2d").data().byteSize());
        assertArrayEquals(new long[] {0, 3}, st.tensor("empty2d").shape());
        assertEquals(0, st.tensor("empty2d").elementCount());
        Tensor scalar = st.tensor("scalar");
        assertEquals(0, scalar.rank());
        assertArrayEquals(pattern(4, 4), bytes(scalar.data()));
        assertEquals(0, st.data("tail").byteSize());
        assertArrayEquals(pattern(8, 3), bytes(st.tensor("w").data()));
    }

    @Test
    void headerPaddedWithTrailingSpaces() throws IOException {
        SafetensorsBuilder b = new SafetensorsBuilder().padHeader().metadata("k", "v")
                .tensor("a", "F32", new long[] {3}, pattern(12, 1)).tensor("b", "I8", new long[] {5}, pattern(5, 2));
        String header = b.headerJson();
        assertEquals(0, header.getBytes(StandardCharsets.UTF_8).length % 8);
        assertTrue(header.endsWith(" "), "this builder's header needs padding, or the test proves nothing: " + header);
        try (SafetensorsFile st = SafetensorsFile.open(b.write(dir.resolve("padded.safetensors")))) {
            assertEquals(8 + header.length(), st.info("a").orElseThrow().fileOffset());
            assertEquals(0, st.info("a").orElseThrow().fileOffset() % 8);
            assertArrayEquals(pattern(12, 1), bytes(st.tensor("a").data()));
            assertArrayEquals(pattern(5, 2), bytes(st.tensor("b").data()));
            assertEquals(Map.of("k", "v"), st.metadata());
        }
    }

    @Test
    void gapsBetweenTensorsAndTrailingBytesAreAllowed() {
        String header = "{\"a\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[4,8]},\"b\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[0,2]}}";
        byte[] data = pattern(12, 9);
        SafetensorsFile st = SafetensorsFile.read(MemorySegment.ofArray(raw(header, data)), "gap");
        assertArrayEquals(Arrays.copyOfRange(data, 4, 8), bytes(st.data("a")));
        assertArrayEquals(Arrays.copyOfRange(data, 0, 2), bytes(st.data("b")));
        assertEquals(List.of("a", "b"), st.tensorInfos().stream().map(SafetensorsTensorInfo::name).toList(), "header order is kept");
    }

    @Test
    void absentTensorIsAModelFormatExceptionNamingIt() {
        SafetensorsFile st = SafetensorsFile.read(new SafetensorsBuilder().tensor("x", "I8", new long[] {1}, new byte[1]).segment(), "q");
        assertTrue(st.info("y").isEmpty());
        assertContains(assertThrows(ModelFormatException.class, () -> st.data("y")), "q", "no tensor named 'y'");
        assertContains(assertThrows(ModelFormatException.class, () -> st.tensor("y")), "q", "no tensor named 'y'");
    }

    // ---------------------------------------------------------------- sharded models

    private static final String SHARD1 = "model-00001-of-00002.safetensors";
    private static final String SHARD2 = "model-00002-of-00002.safetensors";

    /** Two shards: a and b in the first, c in the second. */
    private Path writeShards() throws IOException {
        new SafetensorsBuilder().tensor("a", "F32", new long[] {2, 2}, pattern(16, 1))
                .tensor("b", "BF16", new long[] {3}, pattern(6, 2)).write(dir.resolve(SHARD1));
        new SafetensorsBuilder().tensor("c", "I32", new long[] {1, 2}, pattern(8, 3)).write(dir.resolve(SHARD2));
        return dir;
    }

    private Path writeIndex(String weightMap) throws IOException {
        return Files.writeString(dir.resolve(SafetensorsModel.INDEX_FILE),
                "{\"metadata\": {\"total_size\": 30}, \"weight_map\": {" + weightMap + "}}");
    }

    private static final String GOOD_MAP = "\"a\": \"" + SHARD1 + "\", \"b\": \"" + SHARD1 + "\", \"c\": \"" + SHARD2 + "\"";

    @Test
    void shardedModelOpensThroughFolderAndIndex() throws IOException {
        writeShards();
        Path index = writeIndex(GOOD_MAP);
        for (Path p : List.of(dir, index)) {
            try (SafetensorsModel m = SafetensorsModel.open(p)) {
                assertEquals(index.toString(), m.source());
                assertEquals(2, m.shards().size());
                assertEquals(3, m.tensorInfos().size());
                assertTrue(m.hasTensor("a") && m.hasTensor("b") && m.hasTensor("c"));
                assertFalse(m.hasTensor("d"));
                assertArrayEquals(pattern(16, 1), bytes(m.tensor("a").data()));
                assertArrayEquals(pattern(6, 2), bytes(m.data("b")));
                Tensor c = m.tensor("c");
                assertEquals(GgmlType.I32, c.type());
                assertArrayEquals(new long[] {2, 1}, c.shape());
                assertArrayEquals(pattern(8, 3), bytes(c.data()));
                Map<String, String> fileOf = new HashMap<>();
                m.tensorInfos().forEach(i -> fileOf.put(i.name(), Path.of(i.file()).getFileName().toString()));
                assertEquals(Map.of("a", SHARD1, "b", SHARD1, "c", SHARD2), fileOf);
                assertContains(assertThrows(ModelFormatException.class, () -> m.tensor("d")), "no tensor named 'd'");
            }
        }
    }

    @Test
    void folderWithOnlyModelSafetensors() throws IOException {
        new SafetensorsBuilder().tensor("w", "F16", new long[] {4}, pattern(8, 5)).write(dir.resolve(SafetensorsModel.SINGLE_FILE));
        try (SafetensorsModel m = SafetensorsModel.open(dir)) {
            assertEquals(1, m.shards().size());
            assertArrayEquals(pattern(8, 5), bytes(m.tensor("w").data()));
            assertEquals(GgmlType.F16, m.tensor("w").type());
        }
        try (SafetensorsModel m = SafetensorsModel.open(dir.resolve(SafetensorsModel.SINGLE_FILE))) {
            assertEquals(List.of("w"), m.tensorInfos().stream().map(SafetensorsTensorInfo::name).toList());
        }
    }

    @Test
    void emptyFolderIsRefused() {
        assertContains(assertThrows(ModelFormatException.class, () -> SafetensorsModel.open(dir)), dir.toString(), "no " + SafetensorsModel.INDEX_FILE);
    }

    @Test
    void missingShardIsNoSuchFileNamingIt() throws IOException {
        writeShards();
        Files.delete(dir.resolve(SHARD2));
        writeIndex(GOOD_MAP);
        NoSuchFileException ex = assertThrows(NoSuchFileException.class, () -> SafetensorsModel.open(dir));
        assertTrue(ex.getFile().endsWith(SHARD2), ex.getFile());
        assertTrue(ex.getMessage().contains(SHARD2), ex.getMessage());
    }

    @Test
    void weightMapPointingToTheWrongShard() throws IOException {
        writeShards();
        writeIndex("\"a\": \"" + SHARD2 + "\", \"b\": \"" + SHARD1 + "\", \"c\": \"" + SHARD2 + "\"");
        ModelFormatException ex = assertThrows(ModelFormatException.class, () -> SafetensorsModel.open(dir));
        assertContains(ex, SafetensorsModel.INDEX_FILE, "tensor 'a'", "in " + SHARD2, "it is in", SHARD1);
    }

    @Test
    void weightMapNamingATensorNoShardHolds() throws IOException {
        writeShards();
        writeIndex(GOOD_MAP + ", \"ghost\": \"" + SHARD2 + "\"");
        ModelFormatException ex = assertThrows(ModelFormatException.class, () -> SafetensorsModel.open(dir.resolve(SafetensorsModel.INDEX_FILE)));
        assertContains(ex, SafetensorsModel.INDEX_FILE, "tensor 'ghost'", "no shard holds it");
    }

    @Test
    void sameTensorInTwoShards() throws IOException {
        writeShards();
        new SafetensorsBuilder().tensor("c", "I32", new long[] {1, 2}, pattern(8, 3))
                .tensor("a", "F32", new long[] {1}, pattern(4, 7)).write(dir.resolve(SHARD2));
        writeIndex(GOOD_MAP);
        ModelFormatException ex = assertThrows(ModelFormatException.class, () -> SafetensorsModel.open(dir));
        assertContains(ex, "tensor 'a'", "is also in", SHARD1, SHARD2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../" + SHARD2, "sub/" + SHARD2, "/tmp/" + SHARD2, "..", "sub\\\\x.safetensors", ""})
    void shardNamesLeavingTheFolderAreRefused(String shard) throws IOException {
        writeShards();
        Files.createDirectories(dir.resolve("sub"));
        new SafetensorsBuilder().tensor("c", "I32", new long[] {1, 2}, pattern(8, 3)).write(dir.resolve("sub").resolve(SHARD2));
        writeIndex("\"a\": \"" + SHARD1 + "\", \"b\": \"" + SHARD1 + "\", \"c\": \"" + shard + "\"");
        ModelFormatException ex = assertThrows(ModelFormatException.class, () -> SafetensorsModel.open(dir));
        assertContains(ex, SafetensorsModel.INDEX_FILE, "weight_map entry 'c'", "expected a shard file name in the same folder");
    }

    @Test
    void shardNameThatIsNotAPathIsAModelFormatException() throws IOException {
        writeShards();
        writeIndex(GOOD_MAP.replace("\"c\": \"" + SHARD2 + "\"", "\"c\": \"model\\u0000.safetensors\""));
        ModelFormatException ex = assertThrows(ModelFormatException.class, () -> SafetensorsModel.open(dir));
        assertContains(ex, SafetensorsModel.INDEX_FILE, "weight_map entry 'c'");
    }

    @Test
    void malformedIndexJson() throws IOException {
        writeShards();
        Files.writeString(dir.resolve(SafetensorsModel.INDEX_FILE), "{\"weight_map\": {\"a\": ");
        assertContains(assertThrows(ModelFormatException.class, () -> SafetensorsModel.open(dir)), SafetensorsModel.INDEX_FILE, "not valid JSON");
        Files.writeString(dir.resolve(SafetensorsModel.INDEX_FILE), "{\"metadata\": {}}");
        assertContains(assertThrows(ModelFormatException.class, () -> SafetensorsModel.open(dir)), SafetensorsModel.INDEX_FILE, "'weight_map'");
        Files.writeString(dir.resolve(SafetensorsModel.INDEX_FILE), "{\"weight_map\": {\"a\": 3}}");
        assertContains(assertThrows(ModelFormatException.class, () -> SafetensorsModel.open(dir)), "weight_map entry 'a'");
    }

    @Test
    void badShardIsReportedWithTheShardsName() throws IOException {
        writeShards();
        Files.write(dir.resolve(SHARD2), new byte[] {1, 2, 3});
        writeIndex(GOOD_MAP);
        ModelFormatException ex = assertThrows(ModelFormatException.class, () -> SafetensorsModel.open(dir));
        assertTrue(ex.source().endsWith(SHARD2), ex.source());
        assertContains(ex, SHARD2, "truncated");
    }

    // ---------------------------------------------------------------- bad input, one kind per test

    @Test
    void fileShorterThanEightBytes() throws IOException {
        for (int n = 0; n < 8; n++) {
            ModelFormatException ex = bad(new byte[n], "file truncated", n + " bytes");
            assertEquals(0, ex.offset());
        }
        Path empty = Files.write(dir.resolve("empty.safetensors"), new byte[0]);
        ModelFormatException ex = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(empty));
        assertContains(ex, empty.toString(), "file truncated");
    }

    @Test
    void headerLengthLargerThanTheFile() {
        ModelFormatException ex = bad(raw(1000, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]), "header length 1000", "does not fit", "10 bytes");
        assertEquals(0, ex.offset());
        // One byte too many.
        byte[] ok = new SafetensorsBuilder().tensor("a", "I8", new long[] {2}, new byte[2]).bytes();
        long n = ByteBuffer.wrap(ok).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        ByteBuffer.wrap(ok).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n + 3);
        bad(ok, "header length " + (n + 3), "does not fit");
    }

    @Test
    void headerLengthWithTheTopBitSetIsReportedUnsigned() {
        bad(raw(-1L, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]), "header length 18446744073709551615", "does not fit");
        bad(raw(Long.MIN_VALUE, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]), "header length 9223372036854775808");
    }

    @Test
    void headerLengthTooSmallForAnObject() {
        bad(raw(0, new byte[0], new byte[0]), "header length 0");
        bad(raw(1, "{".getBytes(StandardCharsets.UTF_8), new byte[4]), "header length 1");
    }

    @Test
    void headerLengthAboveTheHundredMegabyteLimit() throws IOException {
        // A sparse file big enough that only the limit, not the file size, refuses the header.
        Path file = dir.resolve("huge-header.safetensors");
        long length = SafetensorsFile.MAX_HEADER_BYTES + 1;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array());
            raf.write('{');
            raf.setLength(8 + length + 16);
        }
        ModelFormatException ex = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));
        assertContains(ex, file.toString(), "header length 100000001", "exceeds the safetensors limit of 100000000");
        assertEquals(0, ex.offset());
    }

    @Test
    void headerThatIsNotJson() {
        ModelFormatException ex = bad(raw("{not json}", new byte[0]), "header is not valid JSON");
        assertTrue(ex.offset() >= 8 && ex.offset() <= 8 + 10, "offset inside the header: " + ex.offset());
        bad(raw("{\"a\": {\"dtype\": F32}}", new byte[0]), "header is not valid JSON");
    }

    @Test
    void truncatedHeaderJson() {
        String json = new SafetensorsBuilder().tensor("a", "F32", new long[] {2}, new byte[8]).headerJson();
        String cut = json.substring(0, json.length() - 5);
        ModelFormatException ex = bad(raw(cut, new byte[8]), "header is not valid JSON", "end-of-input");
        assertTrue(ex.offset() >= 8, "offset " + ex.offset());
    }

    @Test
    void headerLengthCuttingTheJsonShort() {
        // The declared length stops before the closing brace; the rest of the JSON looks like data.
        SafetensorsBuilder b = new SafetensorsBuilder().tensor("a", "F32", new long[] {2}, new byte[8]);
        byte[] file = b.bytes();
        long n = b.headerJson().length();
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n - 1);
        bad(file, "header is not valid JSON");
    }

    @Test
    void trailingBytesAfterTheHeaderObject() {
        bad(raw("{}  xyz", new byte[0]), "header is not valid JSON");
        bad(raw("{}{}", new byte[0]), "header is not valid JSON");
    }

    @Test
    void headerThatIsNotAnObject() {
        bad(raw("[1, 2, 3]", new byte[0]), "header does not start with '{'");
        bad(raw("\"{}\"", new byte[0]), "header does not start with '{'");
        bad(raw(" {}", new byte[0]), "header does not start with '{'");
        ModelFormatException ex = bad(raw("12", new byte[0]), "not a safetensors file");
        assertEquals(8, ex.offset());
    }

    @Test
    void headerWithInvalidUtf8() {
        byte[] header = "{\"a?\": {}}".getBytes(StandardCharsets.US_ASCII);
        header[3] = (byte) 0xff;
        bad(raw(header.length, header, new byte[0]), "header is not valid JSON");
    }

    @Test
    void deeplyNestedHeaderIsRefusedWithoutStackOverflow() {
        String json = "{\"a\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}";
        bad(raw(json, new byte[0]), "header is not valid JSON");
    }

    @Test
    void entryThatIsNotAnObject() {
        bad(raw("{\"w\": [1, 2]}", new byte[0]), "tensor 'w'", "header entry is not an object");
    }

    @Test
    void unknownDtype() {
        for (String dtype : List.of("\"F33\"", "\"f32\"", "\"Q4_0\"", "32", "null")) {
            bad(raw("{\"w\": {\"dtype\": " + dtype + ", \"shape\": [1], \"data_offsets\": [0, 4]}}", new byte[4]),
                    "tensor 'w'", "dtype " + dtype + " is not one of", "BF16");
        }
        bad(raw("{\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", new byte[4]), "tensor 'w'", "dtype null");
    }

    @Test
    void shapeWithNegativeOrNonIntegerDimensions() {
        for (String shape : List.of("[-1, 4]", "[2.5]", "[2.0]", "[\"3\"]", "[1e3]", "[null]", "[[2]]", "[99999999999999999999]")) {
            bad(raw("{\"w\": {\"dtype\": \"I8\", \"shape\": " + shape + ", \"data_offsets\": [0, 0]}}", new byte[0]),
                    "tensor 'w'", "must hold non-negative integers");
        }
        for (String shape : List.of("4", "\"[4]\"", "{}", "null")) {
            bad(raw("{\"w\": {\"dtype\": \"I8\", \"shape\": " + shape + ", \"data_offsets\": [0, 4]}}", new byte[4]),
                    "tensor 'w'", "'shape' is missing or not an array");
        }
    }

    @Test
    void dataOffsetsThatAreNotAPair() {
        for (String offsets : List.of("[0]", "[0, 4, 8]", "[]", "\"0,4\"", "[0.0, 4.0]", "[null, 4]", "[0, \"4\"]",
                "{\"begin\": 0, \"end\": 4}", "[0, 99999999999999999999]")) {
            bad(raw("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": " + offsets + "}}", new byte[4]),
                    "tensor 'w'", "'data_offsets' must be [begin, end]");
        }
        bad(raw("{\"w\": {\"dtype\": \"F32\", \"shape\": [1]}}", new byte[4]), "tensor 'w'", "'data_offsets' must be [begin, end], got null");
    }

    @Test
    void dataOffsetsDescendingOrNegative() {
        bad(raw("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 4]}}", new byte[8]),
                "tensor 'w'", "data_offsets [8, 4] are not an ascending pair");
        bad(raw("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [-4, 0]}}", new byte[8]),
                "tensor 'w'", "data_offsets [-4, 0] are not an ascending pair");
        bad(raw("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [-9223372036854775808, 4]}}", new byte[8]),
                "tensor 'w'", "are not an ascending pair");
    }

    @Test
    void dataOffsetsPastTheEndOfData() {
        String header = "{\"w\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [4, 20]}}";
        ModelFormatException ex = bad(raw(header, new byte[16]), "tensor 'w'", "data_offsets [4, 20] run past the end of the data section (16 bytes");
        assertEquals(8 + header.length() + 4, ex.offset());
        // begin itself past the end: the offset reported is the end of the file.
        String far = "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [9223372036854775800, 9223372036854775804]}}";
        ex = bad(raw(far, new byte[16]), "tensor 'w'", "run past the end of the data section");
        assertEquals(8 + far.length() + 16, ex.offset());
    }

    @Test
    void headerThatLiesAboutSizes() {
        String header = "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 12]}}";
        ModelFormatException ex = bad(raw(header, new byte[16]), "tensor 'w'", "F32 [2, 2] needs 16 bytes but data_offsets [0, 12] span 12");
        assertEquals(8 + header.length(), ex.offset());
        bad(raw("{\"w\": {\"dtype\": \"BF16\", \"shape\": [3], \"data_offsets\": [0, 8]}}", new byte[8]), "needs 6 bytes", "span 8");
        bad(raw("{\"w\": {\"dtype\": \"I8\", \"shape\": [0], \"data_offsets\": [0, 1]}}", new byte[8]), "needs 0 bytes", "span 1");
    }

    @Test
    void overlappingTensors() {
        String header = "{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]},"
                + " \"b\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [8, 24]}}";
        ModelFormatException ex = bad(raw(header, new byte[24]), "tensor 'b'", "[8, 24) overlaps tensor 'a' [0, 16)");
        assertEquals(8 + header.length() + 8, ex.offset());
        // The same range twice.
        bad(raw("{\"a\": {\"dtype\": \"I8\", \"shape\": [4], \"data_offsets\": [0, 4]},"
                + " \"b\": {\"dtype\": \"U8\", \"shape\": [4], \"data_offsets\": [0, 4]}}", new byte[4]), "overlaps");
    }

    @Test
    void tensorInsideAnotherBehindAZeroLengthOne() {
        // Sorted by begin: a [0,16), z [4,4), b [8,12). b lies inside a although its neighbour z is empty.
        String header = "{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]},"
                + " \"z\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [4, 4]},"
                + " \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 12]}}";
        bad(raw(header, new byte[16]), "tensor 'b'", "overlaps tensor 'a'");
        // Two tensors inside a: a [0,16), s [2,4), b [8,12); the first one found is reported.
        String nested = "{\"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]},"
                + " \"s\": {\"dtype\": \"I16\", \"shape\": [1], \"data_offsets\": [2, 4]},"
                + " \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 12]}}";
        bad(raw(nested, new byte[16]), "tensor 's' data [2, 4) overlaps tensor 'a'");
    }

    @Test
    void duplicateTensorNames() {
        String entry = "{\"dtype\": \"I8\", \"shape\": [1], \"data_offsets\": [0, 1]}";
        bad(raw("{\"w\": " + entry + ", \"w\": " + entry + "}", new byte[2]), "header is not valid JSON", "Duplicate", "'w'");
        bad(raw("{\"__metadata__\": {}, \"__metadata__\": {}}", new byte[0]), "Duplicate");
    }

    @Test
    void shapeWhoseElementCountOverflowsALong() {
        bad(raw("{\"w\": {\"dtype\": \"I8\", \"shape\": [4294967296, 4294967296], \"data_offsets\": [0, 0]}}", new byte[0]),
                "tensor 'w'", "size overflows 64 bits");
        // Elements fit, bytes do not.
        bad(raw("{\"w\": {\"dtype\": \"F64\", \"shape\": [2147483648, 2147483648], \"data_offsets\": [0, 0]}}", new byte[0]),
                "tensor 'w'", "size overflows 64 bits");
        bad(raw("{\"w\": {\"dtype\": \"I8\", \"shape\": [9223372036854775807, 2], \"data_offsets\": [0, 0]}}", new byte[0]),
                "size overflows 64 bits");
    }

    @Test
    void metadataWithNonStringValues() {
        for (String value : List.of("1", "true", "null", "[\"a\"]", "{\"x\": \"y\"}")) {
            bad(raw("{\"__metadata__\": {\"ok\": \"s\", \"k\": " + value + "}}", new byte[0]), "'__metadata__.k' is not a string");
        }
        for (String md : List.of("[]", "\"format\"", "null", "3")) {
            bad(raw("{\"__metadata__\": " + md + "}", new byte[0]), "'__metadata__' is not an object of strings");
        }
    }

    @Test
    void malformedFileOnDiskIsClosedAndReported() throws IOException {
        Path file = Files.write(dir.resolve("lies.safetensors"),
                raw("{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 4]}}", new byte[8]));
        assertContains(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file)), file.toString(), "needs 8 bytes");
        assertContains(assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(dir)), dir.toString(), "is a directory");
        Files.delete(file); // the failed open released its mapping
    }

    // ---------------------------------------------------------------- mutations

    @Test
    void mutatedFilesOpenCleanlyOrThrowModelFormatException() {
        long seed = Long.getLong("basalt.safetensors.fuzz.seed", 0x5AFE_7E45_0001L);
        byte[] base = new SafetensorsBuilder().padHeader().metadata("format", "pt")
                .tensor("model.embed.weight", "F32", new long[] {2, 3}, pattern(24, 1))
                .tensor("model.norm", "BF16", new long[] {4}, pattern(8, 2))
                .tensor("mask", "U8", new long[] {5}, pattern(5, 3))
                .tensor("empty", "F16", new long[] {0, 2}, new byte[0]).bytes();
        int headerEnd = 8 + (int) ByteBuffer.wrap(base).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        // The unmutated file must open, or every mutation below would trivially be a ModelFormatException.
        assertEquals(4, SafetensorsFile.read(MemorySegment.ofArray(base), "base").tensorInfos().size());

        int[] outcomes = new int[2]; // opened, refused
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random rnd = new Random(seed);
            for (int len = 0; len <= base.length; len++) {
                check(Arrays.copyOf(base, len), "seed " + seed + " truncated to " + len, outcomes);
            }
            byte[] structural = "{}[]\":,0123456789-.e \\nul".getBytes(StandardCharsets.US_ASCII);
            for (int iter = 0; iter < 20_000; iter++) {
                byte[] m = base.clone();
                StringBuilder what = new StringBuilder("seed " + seed + " iteration " + iter + ":");
                int edits = 1 + rnd.nextInt(4);
                for (int e = 0; e < edits; e++) {
                    int kind = rnd.nextInt(10);
                    if (kind < 2) { // the 8-byte header length
                        int at = rnd.nextInt(8);
                        m[at] ^= (byte) (1 << rnd.nextInt(8));
                        what.append(" flip length byte ").append(at);
                    } else if (kind < 3) {
                        long[] choices = {0, 1, 2, headerEnd - 9, headerEnd - 7, headerEnd, m.length, -1L, Long.MIN_VALUE,
                                SafetensorsFile.MAX_HEADER_BYTES + 1, rnd.nextLong(), rnd.nextInt(m.length + 8)};
                        long n = choices[rnd.nextInt(choices.length)];
                        ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
                        what.append(" length=").append(n);
                    } else if (kind < 6) { // a random byte of the JSON header
                        int at = 8 + rnd.nextInt(headerEnd - 8);
                        m[at] = (byte) rnd.nextInt(256);
                        what.append(" header[").append(at).append("]=").append(m[at]);
                    } else if (kind < 8) { // a digit for a digit: the JSON stays valid, shapes and offsets change
                        int at = 8 + rnd.nextInt(headerEnd - 8);
                        while (!Character.isDigit(m[at])) {
                            at = 8 + rnd.nextInt(headerEnd - 8);
                        }
                        m[at] = (byte) ('0' + rnd.nextInt(10));
                        what.append(" digit[").append(at).append("]='").append((char) m[at]).append('\'');
                    } else if (kind < 9) { // a JSON-ish character, more likely to keep the header parseable
                        int at = 8 + rnd.nextInt(headerEnd - 8);
                        m[at] = structural[rnd.nextInt(structural.length)];
                        what.append(" header[").append(at).append("]='").append((char) m[at]).append('\'');
                    } else {
                        int at = rnd.nextInt(m.length);
                        m[at] ^= (byte) (1 << rnd.nextInt(8));
                        what.append(" flip byte ").append(at);
                    }
                }
                if (rnd.nextInt(8) == 0) {
                    int len = rnd.nextInt(m.length + 1);
                    m = Arrays.copyOf(m, len);
                    what.append(" then truncate to ").append(len);
                }
                check(m, what.toString(), outcomes);
            }
        });
        System.out.println("safetensors mutations, seed " + seed + ": " + outcomes[0] + " opened, " + outcomes[1] + " refused");
        assertTrue(outcomes[0] > 50, "some mutations must still open (else the fuzzing only exercises the length check): " + outcomes[0]);
        assertTrue(outcomes[1] > 1000, "most mutations must be refused: " + outcomes[1]);
    }

    /** Opens {@code bytes}; when it opens, reads every tensor and checks each lies in the file and none overlap. */
    private static void check(byte[] bytes, String what, int[] outcomes) {
        SafetensorsFile st;
        try {
            st = SafetensorsFile.read(MemorySegment.ofArray(bytes), "mut");
        } catch (ModelFormatException e) {
            if (!e.getMessage().startsWith("mut: ")) {
                fail(what + ": message does not name the file: " + e.getMessage());
            }
            outcomes[1]++;
            return;
        } catch (Throwable t) {
            throw new AssertionError(what + ": escaped as " + t + "\nfile: " + HexFormat.of().formatHex(bytes), t);
        }
        outcomes[0]++;
        try {
            List<SafetensorsTensorInfo> infos = new ArrayList<>(st.tensorInfos());
            for (SafetensorsTensorInfo info : infos) {
                long expected = count(info.shape()) * info.dtype().bytes();
                assertEquals(expected, info.byteSize(), what + ": " + info);
                assertTrue(info.fileOffset() >= 8 && info.fileOffset() + info.byteSize() <= bytes.length, what + ": " + info);
                byte[] data = bytes(st.data(info.name()));
                assertArrayEquals(Arrays.copyOfRange(bytes, (int) info.fileOffset(), (int) (info.fileOffset() + data.length)), data, what);
                if (info.dtype().ggmlType() != null) {
                    assertEquals(info.byteSize(), st.tensor(info.name()).data().byteSize(), what);
                } else {
                    assertThrows(ModelFormatException.class, () -> st.tensor(info.name()), what);
                }
            }
            infos.removeIf(i -> i.byteSize() == 0);
            infos.sort(Comparator.comparingLong(SafetensorsTensorInfo::begin));
            for (int i = 1; i < infos.size(); i++) {
                assertTrue(infos.get(i).begin() >= infos.get(i - 1).end(), what + ": overlap " + infos);
            }
            st.metadata().forEach((k, v) -> assertTrue(k != null && v != null));
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(what + ": reading an opened file threw " + t, t);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Parses {@code bytes} as {@link #SRC}, which must fail with a ModelFormatException naming the file and each fragment. */
    private static ModelFormatException bad(byte[] bytes, String... fragments) {
        ModelFormatException ex = assertThrows(ModelFormatException.class, () -> SafetensorsFile.read(MemorySegment.ofArray(bytes), SRC));
        assertEquals(SRC, ex.source());
        assertContains(ex, SRC);
        assertContains(ex, fragments);
        return ex;
    }

    private static void assertContains(Exception ex, String... fragments) {
        for (String f : fragments) {
            assertTrue(ex.getMessage().contains(f), "message lacks \"" + f + "\": " + ex.getMessage());
        }
    }

    private static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static long[] reversed(long[] shape) {
        long[] r = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            r[i] = shape[shape.length - 1 - i];
        }
        return r;
    }

    private static byte[] bytes(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_BYTE);
    }
}
