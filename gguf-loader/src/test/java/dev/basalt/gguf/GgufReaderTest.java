package dev.basalt.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real model files from ../shared/testdata, checked against facts llama.cpp reported about them. */
@Tag("testdata")
class GgufReaderTest {

    static Stream<Path> everyGgufV2V3File() throws IOException {
        return Stream.concat(Files.list(TestData.path("models")), Files.list(TestData.path("vocab")))
                .filter(p -> p.toString().endsWith(".gguf") && !p.toString().contains("ggufv1")).sorted();
    }

    static Stream<Path> modelsWithReference() throws IOException {
        return Files.list(TestData.path("models", "reference"))
                .filter(p -> p.toString().endsWith(".json") && !p.toString().contains(".ids40."))
                .map(p -> TestData.path("models", p.getFileName().toString().replace(".json", ".gguf")));
    }

    @ParameterizedTest
    @MethodSource("everyGgufV2V3File")
    void opensAndEveryTensorViewIsTheFileBytesAtItsOffset(Path file) throws IOException {
        try (GgufFile gguf = GgufFile.open(file); RandomAccessFile raw = new RandomAccessFile(file.toFile(), "r")) {
            assertEquals(3, gguf.version());
            assertEquals(Files.size(file), gguf.fileSize());
            assertTrue(gguf.metadata().has("general.architecture"), "every file names its architecture");
            for (Tensor t : gguf.tensors()) {
                assertTrue(t.data().isReadOnly());
                // Compare the view's first and last bytes with a plain file read at the table's offset.
                GgufTensorInfo info = gguf.tensorInfos().stream().filter(i -> i.name().equals(t.name())).findFirst().orElseThrow();
                int n = (int) Math.min(64, t.data().byteSize());
                for (long start : new long[] {0, t.data().byteSize() - n}) {
                    byte[] expected = new byte[n];
                    raw.seek(gguf.dataOffset() + info.offset() + start);
                    raw.readFully(expected);
                    assertArrayEquals(expected, t.data().asSlice(start, n).toArray(ValueLayout.JAVA_BYTE), t.name());
                }
            }
            String[] tokens = gguf.metadata().getStringArray("tokenizer.ggml.tokens");
            assertTrue(tokens.length > 0);
        }
    }

    @ParameterizedTest
    @MethodSource("modelsWithReference")
    void parameterCountAndVocabularyMatchLlamaCpp(Path file) throws IOException {
        JsonNode ref = new ObjectMapper().readTree(file.resolveSibling("reference").resolve(
                file.getFileName().toString().replace(".gguf", ".json")).toFile());
        try (GgufFile gguf = GgufFile.open(file)) {
            long params = gguf.tensorInfos().stream().mapToLong(GgufTensorInfo::elementCount).sum();
            assertEquals(ref.get("model_n_params").asLong(), params);
            assertEquals(ref.get("n_vocab").asInt(), gguf.metadata().getStringArray("tokenizer.ggml.tokens").length);
            assertEquals(ref.get("bos_id").asInt(), gguf.metadata().getInt("tokenizer.ggml.bos_token_id"));
            assertEquals(ref.get("eos_id").asInt(), gguf.metadata().getInt("tokenizer.ggml.eos_token_id"));
        }
    }

    @Test
    void storiesTensorTableAndTypedMetadata() throws IOException {
        try (GgufFile gguf = GgufFile.open(TestData.path("models", "stories260K.gguf"))) {
            Metadata m = gguf.metadata();
            assertEquals("llama", m.getString("general.architecture"));
            assertEquals(64, m.getInt("llama.embedding_length"));
            assertEquals(5, m.getInt("llama.block_count"));
            assertEquals(1e-5f, m.getFloat("llama.attention.layer_norm_rms_epsilon"));
            assertEquals(4294967295L, m.getLong("tokenizer.ggml.padding_token_id"));
            assertEquals(48, gguf.tensorInfos().size());
            Tensor q = gguf.tensor("blk.0.attn_q.weight");
            assertEquals(GgmlType.F32, q.type());
            assertArrayEquals(new long[] {64, 64}, q.shape());
            Tensor down = gguf.tensor("blk.0.ffn_down.weight");
            assertArrayEquals(new long[] {172, 64}, down.shape());
            assertEquals(64, down.rows());
            assertFalse(gguf.findTensor("no.such.tensor").isPresent());
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> gguf.tensor("no.such.tensor"));
            assertTrue(e.getMessage().contains("no.such.tensor"));
        }
    }

    @Test
    void typedAccessorsNameKeyAndTypes() throws IOException {
        try (GgufFile gguf = GgufFile.open(TestData.path("models", "stories260K.gguf"))) {
            Metadata m = gguf.metadata();
            MetadataException e = assertThrows(MetadataException.class, () -> m.getInt("general.architecture"));
            assertEquals("general.architecture", e.key());
            assertTrue(e.getMessage().contains("stories260K.gguf") && e.getMessage().contains("STRING") && e.getMessage().contains("integer"), e.getMessage());
            e = assertThrows(MetadataException.class, () -> m.getString("llama.rope.freq_base"));
            assertTrue(e.getMessage().contains("missing"), e.getMessage());
            e = assertThrows(MetadataException.class, () -> m.getInt("tokenizer.ggml.padding_token_id"));
            assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
            e = assertThrows(MetadataException.class, () -> m.getStringArray("tokenizer.ggml.scores"));
            assertTrue(e.getMessage().contains("FLOAT32"), e.getMessage());
            assertEquals(10000f, m.getFloat("llama.rope.freq_base", 10000f));
        }
    }

    @Test
    void quantizedFilesCarryTheTypesLlamaCppWrote() throws IOException {
        // Per ../shared/testdata/models/README.md: which tensor got which type.
        try (GgufFile gguf = GgufFile.open(TestData.path("models", "stories260K-Q4_K_M.gguf"))) {
            assertEquals(GgmlType.Q5_0, gguf.tensor("token_embd.weight").type());
            assertEquals(GgmlType.Q8_0, gguf.tensor("blk.2.attn_v.weight").type());
            assertEquals(GgmlType.F16, gguf.tensor("blk.0.ffn_down.weight").type());
        }
        try (GgufFile gguf = GgufFile.open(TestData.path("models", "synthetic-llama-256-Q4_K_M.gguf"))) {
            assertEquals(GgmlType.Q6_K, gguf.tensor("blk.1.attn_v.weight").type());
            assertEquals(GgmlType.Q4_K, gguf.tensor("blk.0.attn_q.weight").type());
        }
    }

    @Test
    void ggufV1IsRefusedByName() {
        for (String f : List.of("stories260K-ggufv1.gguf", "ggml-vocab-llama-ggufv1.gguf")) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(TestData.path("models", f)));
            assertTrue(e.getMessage().contains("GGUF v1 is not supported") && e.getMessage().contains(f), e.getMessage());
            assertEquals(4, e.offset());
        }
    }

    @Test
    void closingUnmapsTheFile() throws IOException {
        GgufFile gguf = GgufFile.open(TestData.path("models", "stories260K.gguf"));
        Tensor t = gguf.tensor("output_norm.weight");
        gguf.close();
        assertThrows(IllegalStateException.class, () -> t.data().get(ValueLayout.JAVA_BYTE, 0));
    }
}
