package dev.basalt.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GgufWriterTest {
    @TempDir
    Path dir;

    @Test
    void everyValueTypeAndEveryTensorTypeSurviveARoundTrip() throws IOException {
        Random rnd = new Random(7);
        GgufWriter w = new GgufWriter()
                .put(GgufFile.ALIGNMENT_KEY, MetadataValue.u32(64))
                .put("u8", new MetadataValue(GgufValueType.UINT8, 255))
                .put("i8", new MetadataValue(GgufValueType.INT8, -128))
                .put("u16", new MetadataValue(GgufValueType.UINT16, 65535))
                .put("i16", new MetadataValue(GgufValueType.INT16, -32768))
                .put("u32", MetadataValue.u32(4294967295L))
                .put("i32", MetadataValue.i32(Integer.MIN_VALUE))
                .put("u64", MetadataValue.u64(-1L))
                .put("i64", new MetadataValue(GgufValueType.INT64, Long.MIN_VALUE))
                .put("f32", MetadataValue.f32(Float.NaN))
                .put("f64", new MetadataValue(GgufValueType.FLOAT64, -0.0))
                .put("bool", MetadataValue.bool(true))
                .put("string", MetadataValue.string("héllo ▁wörld\n\u0000"))
                .put("empty", MetadataValue.string(""))
                .put("a.u8", MetadataValue.array(new GgufArray(GgufValueType.UINT8, new byte[] {0, -1, 7})))
                .put("a.i16", MetadataValue.array(new GgufArray(GgufValueType.INT16, new short[] {-2, 300})))
                .put("a.u32", MetadataValue.array(new GgufArray(GgufValueType.UINT32, new int[] {-1, 5})))
                .put("a.i64", MetadataValue.array(new GgufArray(GgufValueType.INT64, new long[] {Long.MAX_VALUE})))
                .put("a.f32", MetadataValue.array(GgufArray.ofFloats(1.5f, -0f, Float.NEGATIVE_INFINITY)))
                .put("a.f64", MetadataValue.array(new GgufArray(GgufValueType.FLOAT64, new double[] {Math.PI})))
                .put("a.bool", MetadataValue.array(new GgufArray(GgufValueType.BOOL, new boolean[] {true, false})))
                .put("a.str", MetadataValue.array(GgufArray.ofStrings("<s>", "", "▁the")))
                .put("a.empty", MetadataValue.array(GgufArray.ofInts()))
                .put("a.nested", MetadataValue.array(new GgufArray(GgufValueType.ARRAY, new GgufArray[] {
                        GgufArray.ofStrings("a"), new GgufArray(GgufValueType.ARRAY, new GgufArray[] {GgufArray.ofInts(1, 2)})})));
        List<GgmlType> types = List.of(GgmlType.values());
        byte[][] contents = new byte[types.size()][];
        for (int i = 0; i < types.size(); i++) {
            GgmlType t = types.get(i);
            long[] shape = {t.blockSize() * 3L, 2, 1};
            contents[i] = new byte[(int) Tensor.byteSize(t, shape)];
            rnd.nextBytes(contents[i]);
            w.tensor("t." + t.name(), t, shape, TensorContent.copyOf(MemorySegment.ofArray(contents[i])));
        }
        Path file = dir.resolve("all.gguf");
        w.write(file);

        try (GgufFile g = GgufFile.open(file)) {
            assertEquals(3, g.version());
            assertEquals(64, g.alignment());
            assertEquals(0, g.dataOffset() % 64);
            assertEquals(24, g.metadata().keys().size());
            assertEquals(new MetadataValue(GgufValueType.UINT8, 255), g.metadata().get("u8"));
            assertEquals(-1L, g.metadata().get("u64").value());
            assertTrue(Float.isNaN((Float) g.metadata().get("f32").value()));
            assertEquals("héllo ▁wörld\n\u0000", g.metadata().getString("string"));
            assertArrayEquals(new int[] {-2, 300}, g.metadata().getIntArray("a.i16"));
            assertArrayEquals(new String[] {"<s>", "", "▁the"}, g.metadata().getStringArray("a.str"));
            assertEquals(4294967295L, g.metadata().getArray("a.u32").getLong(0));
            GgufArray nested = g.metadata().getArray("a.nested");
            assertEquals(GgufValueType.ARRAY, nested.elementType());
            assertArrayEquals(new int[] {1, 2}, (int[]) ((GgufArray[]) ((GgufArray) nested.get(1)).values())[0].values());
            // Every metadata value equals what was written.
            try (GgufFile again = GgufFile.open(file)) {
                assertEquals(g.metadata().asMap(), again.metadata().asMap());
            }
            for (int i = 0; i < types.size(); i++) {
                Tensor t = g.tensor("t." + types.get(i).name());
                assertEquals(types.get(i), t.type());
                assertArrayEquals(new long[] {types.get(i).blockSize() * 3L, 2, 1}, t.shape());
                assertArrayEquals(contents[i], t.data().toArray(ValueLayout.JAVA_BYTE), types.get(i).name());
                assertEquals(0, g.tensorInfos().get(i).offset() % 64);
            }
        }
    }

    /** Rewriting a file llama.cpp's tools wrote, with its metadata and tensors in order, gives the same bytes. */
    @Tag("testdata")
    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf", "stories260K-Q4_K_M.gguf", "synthetic-llama-256-Q4_K_M.gguf", "llama-2-tiny-random.gguf"})
    void rewritingARealFileReproducesItsBytes(String name) throws IOException {
        Path original = TestData.path("models", name);
        Path copy = dir.resolve(name);
        try (GgufFile g = GgufFile.open(original)) {
            GgufWriter w = new GgufWriter().putAll(g.metadata());
            g.tensors().forEach(w::tensor);
            w.write(copy);
        }
        assertEquals(Files.mismatch(original, copy), -1L, "first differing byte");
    }

    @Test
    void filesOverTwoGibibytesMapAndReadAtTheirTrueOffsets() throws IOException {
        // A sparse file: only the pages the writer touches take disk space.
        long bigElements = (3L << 30) / 4; // 3 GiB of F32
        Path file = dir.resolve("big.gguf");
        new GgufWriter()
                .tensor("head", GgmlType.F32, new long[] {8}, d -> d.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 0, 1.25f))
                .tensor("big", GgmlType.F32, new long[] {bigElements}, d -> {
                    d.set(ValueLayout.JAVA_FLOAT_UNALIGNED, 0, 2.5f);
                    d.set(ValueLayout.JAVA_FLOAT_UNALIGNED, d.byteSize() - 4, 3.75f);
                })
                .tensor("tail", GgmlType.Q8_0, new long[] {32}, d -> d.set(ValueLayout.JAVA_BYTE, 33, (byte) -7))
                .write(file);
        assertTrue(Files.size(file) > 3L << 30);
        try (GgufFile g = GgufFile.open(file)) {
            Tensor big = g.tensor("big");
            assertEquals(3L << 30, big.data().byteSize());
            assertEquals(2.5f, big.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
            assertEquals(3.75f, big.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, big.data().byteSize() - 4));
            Tensor tail = g.tensor("tail");
            assertTrue(g.tensorInfos().get(2).fileOffset() > Integer.MAX_VALUE);
            assertEquals(-7, tail.data().get(ValueLayout.JAVA_BYTE, 33));
            assertEquals(1.25f, g.tensor("head").data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
        }
    }

    @Test
    void writerRefusesWhatNoReaderCouldLoad() {
        GgufWriter w = new GgufWriter().tensor("x", GgmlType.F32, new long[] {4}, d -> { });
        assertThrows(IllegalArgumentException.class, () -> w.tensor("x", GgmlType.F32, new long[] {4}, d -> { }));
        assertThrows(IllegalArgumentException.class, () -> w.tensor("q", GgmlType.Q4_0, new long[] {31}, d -> { }));
        assertThrows(IllegalArgumentException.class, () -> w.tensor("r", GgmlType.F32, new long[] {1, 1, 1, 1, 1}, d -> { }));
        assertThrows(IllegalArgumentException.class, () -> w.put(GgufFile.ALIGNMENT_KEY, MetadataValue.u32(24)));
    }
}
