package dev.basalt.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One malformed GGUF file per kind of lie or damage. Each must raise {@link ModelFormatException} whose message
 * names the file and the problem (and the offset where there is one), never an IndexOutOfBounds, a huge allocation
 * or a hang.
 */
class GgufBadInputTest {
    private static final String NAME = "bad.gguf";
    private static final long FLOAT32 = 6;
    private static final long STRING = 8;
    private static final long ARRAY = 9;

    @TempDir
    Path dir;

    /** A valid file: one metadata string, tensors a (F32 [8] at 0) and b (Q8_0 [32, 2] at 32). */
    static RawBytes valid() {
        return tensorsPart(RawBytes.gguf(3, 2, 1).str("general.architecture").u32(STRING).str("llama"), 0, 32, 8)
                .padTo(32).zeros(32 + 68);
    }

    private static RawBytes tensorsPart(RawBytes r, long offsetA, long offsetB, long typeA) {
        return r.str("a").u32(1).u64(8).u32(typeA == 8 ? 0 : typeA).u64(offsetA)
                .str("b").u32(2).u64(32).u64(2).u32(8).u64(offsetB);
    }

    private static ModelFormatException fails(RawBytes r, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.read(r.segment(), NAME));
        assertTrue(e.getMessage().startsWith(NAME + ":"), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should mention '" + f + "'");
        }
        return e;
    }

    @Test
    void theBaselineIsValid() {
        try (GgufFile g = GgufFile.read(valid().segment(), NAME)) {
            assertEquals(2, g.tensorInfos().size());
            assertEquals(68, g.tensor("b").data().byteSize());
        }
    }

    @Test
    void emptyFile() {
        fails(new RawBytes(), "truncated");
    }

    @Test
    void wrongMagic() {
        ModelFormatException e = fails(new RawBytes().ascii("GGML").u32(3).u64(0).u64(0), "not a GGUF file", "47 47 4d 4c");
        assertEquals(0, e.offset());
    }

    @Test
    void unsupportedVersions() {
        assertEquals(4, fails(RawBytes.gguf(1, 0, 0), "GGUF v1 is not supported").offset());
        fails(RawBytes.gguf(4, 0, 0), "unsupported GGUF version 4", "supported: 2, 3");
        fails(RawBytes.gguf(3L << 24, 0, 0), "big-endian");
    }

    @Test
    void version2ReadsLikeVersion3() {
        byte[] b = valid().bytes();
        b[4] = 2;
        try (GgufFile g = GgufFile.read(java.lang.foreign.MemorySegment.ofArray(b), NAME)) {
            assertEquals(2, g.version());
        }
    }

    @Test
    void truncatedAnywhereInTheHeader() {
        byte[] whole = valid().bytes();
        for (int cut : new int[] {3, 6, 12, 20, 30, 50, 60, 80, 100}) {
            RawBytes r = new RawBytes();
            r.zeros(0);
            byte[] part = java.util.Arrays.copyOf(whole, cut);
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> GgufFile.read(java.lang.foreign.MemorySegment.ofArray(part), NAME), "cut at " + cut);
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("cannot fit"), cut + ": " + e.getMessage());
        }
    }

    @Test
    void truncatedData() {
        byte[] whole = valid().bytes();
        byte[] part = java.util.Arrays.copyOf(whole, whole.length - 1);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> GgufFile.read(java.lang.foreign.MemorySegment.ofArray(part), NAME));
        assertTrue(e.getMessage().contains("tensor 'b'") && e.getMessage().contains("data section ends"), e.getMessage());
    }

    @Test
    void absurdTensorCount() {
        ModelFormatException e = fails(RawBytes.gguf(3, 1L << 60, 0), "tensor count 1152921504606846976", "cannot fit");
        assertEquals(8, e.offset());
        fails(RawBytes.gguf(3, -1, 0), "tensor count 18446744073709551615");
    }

    @Test
    void absurdMetadataCount() {
        assertEquals(16, fails(RawBytes.gguf(3, 0, 1L << 60), "metadata count").offset());
    }

    @Test
    void absurdStringLengths() {
        fails(RawBytes.gguf(3, 0, 1).u64(1L << 40).ascii("key").zeros(16), "metadata key #0", "1099511627776 bytes");
        fails(RawBytes.gguf(3, 0, 1).str("k").u32(STRING).u64(1L << 40), "metadata 'k'", "1099511627776 bytes");
        fails(RawBytes.gguf(3, 0, 1).str("k").u32(STRING).u64(-1), "18446744073709551615");
    }

    @Test
    void absurdArrayLength() {
        fails(RawBytes.gguf(3, 0, 1).str("k").u32(ARRAY).u32(FLOAT32).u64(1L << 60), "metadata array 'k'", "cannot fit");
        fails(RawBytes.gguf(3, 0, 1).str("k").u32(ARRAY).u32(STRING).u64(1L << 40).zeros(64), "metadata array 'k'");
    }

    @Test
    void unknownValueTypes() {
        fails(RawBytes.gguf(3, 0, 1).str("k").u32(13).u32(0), "metadata 'k' has unknown value type 13");
        fails(RawBytes.gguf(3, 0, 1).str("k").u32(ARRAY).u32(99).u64(0), "unknown element type 99");
    }

    @Test
    void boolMustBeZeroOrOne() {
        fails(RawBytes.gguf(3, 0, 1).str("flag").u32(7).u8(2), "metadata 'flag'", "BOOL", "byte 2");
    }

    @Test
    void arraysNestedTooDeep() {
        RawBytes r = RawBytes.gguf(3, 0, 1).str("deep").u32(ARRAY);
        for (int i = 0; i < 20; i++) {
            r.u32(ARRAY).u64(1);
        }
        r.u32(FLOAT32).u64(0);
        fails(r, "nests arrays more than");
    }

    @Test
    void duplicateMetadataKey() {
        fails(RawBytes.gguf(3, 0, 2).str("k").u32(4).u32(1).str("k").u32(4).u32(2), "duplicate metadata key 'k'");
    }

    @Test
    void alignmentMustBeAPowerOfTwoUint32() {
        MetadataException e = assertThrows(MetadataException.class, () -> GgufFile.read(
                RawBytes.gguf(3, 0, 1).str("general.alignment").u32(4).u32(24).segment(), NAME));
        assertEquals("general.alignment", e.key());
        assertTrue(e.getMessage().contains("power of two"));
        e = assertThrows(MetadataException.class, () -> GgufFile.read(
                RawBytes.gguf(3, 0, 1).str("general.alignment").u32(STRING).str("32").segment(), NAME));
        assertTrue(e.getMessage().contains("expected UINT32"), e.getMessage());
    }

    @Test
    void unknownTensorType() {
        fails(tensorsPart(RawBytes.gguf(3, 2, 0), 0, 32, 77).padTo(32).zeros(200), "tensor 'a' has unknown ggml type id 77");
        // 4 and 5 were Q4_2/Q4_3, removed from ggml: read as unknown.
        fails(tensorsPart(RawBytes.gguf(3, 2, 0), 0, 32, 4).padTo(32).zeros(200), "unknown ggml type id 4");
    }

    @Test
    void tooManyDimensions() {
        fails(RawBytes.gguf(3, 1, 0).str("t").u32(5).u64(1).u64(1).u64(1).u64(1).u64(1).u32(0).u64(0).padTo(32).zeros(32),
                "tensor 't' has 5 dimensions");
    }

    @Test
    void dimensionBeyondSignedRange() {
        fails(RawBytes.gguf(3, 1, 0).str("t").u32(1).u64(-4).u32(0).u64(0).padTo(32).zeros(32), "tensor 't' dimension 0");
    }

    @Test
    void elementCountOverflow() {
        fails(RawBytes.gguf(3, 1, 0).str("t").u32(3).u64(1L << 32).u64(1L << 32).u64(1L << 32).u32(0).u64(0).padTo(32).zeros(32),
                "tensor 't'", "overflows");
    }

    @Test
    void rowNotAWholeNumberOfBlocks() {
        fails(RawBytes.gguf(3, 1, 0).str("t").u32(1).u64(31).u32(8).u64(0).padTo(32).zeros(64), "tensor 't'", "block size 32");
    }

    @Test
    void tensorRunsPastTheEnd() {
        fails(tensorsPart(RawBytes.gguf(3, 2, 0), 0, 1L << 40, 0).padTo(32).zeros(200), "tensor 'b'", "data section ends");
    }

    @Test
    void misalignedTensor() {
        fails(tensorsPart(RawBytes.gguf(3, 2, 0), 0, 40, 0).padTo(32).zeros(200), "tensor 'b' data offset 40", "alignment 32");
    }

    @Test
    void overlappingTensors() {
        fails(tensorsPart(RawBytes.gguf(3, 2, 0), 32, 0, 0).padTo(32).zeros(200), "overlaps");
        fails(tensorsPart(RawBytes.gguf(3, 2, 0), 0, 0, 0).padTo(32).zeros(200), "overlaps");
    }

    @Test
    void duplicateTensorNames() {
        fails(RawBytes.gguf(3, 2, 0).str("t").u32(1).u64(8).u32(0).u64(0).str("t").u32(1).u64(8).u32(0).u64(32).padTo(32).zeros(64),
                "duplicate tensor name 't'");
    }

    @Test
    void aDirectoryIsNotAFile() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(dir));
        assertTrue(e.getMessage().contains("is a directory"));
    }

    @Test
    void errorsFromFilesNameThePath() throws IOException {
        Path file = dir.resolve("broken.gguf");
        Files.write(file, RawBytes.gguf(3, 1L << 60, 0).bytes());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(file));
        assertTrue(e.getMessage().startsWith(file.toString() + ": at byte offset 8:"), e.getMessage());
        assertEquals(file.toString(), e.source());
    }
}
