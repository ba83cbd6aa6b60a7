package dev.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.engine.convert.GgufConverter;
import dev.basalt.engine.convert.ConversionProgress;
import dev.basalt.engine.convert.QuantizationRecipe;
import dev.basalt.engine.convert.RequantizationException;
import dev.basalt.engine.hf.HfFolderFixture;
import dev.basalt.engine.oracle.LlamaCppOracle;
import dev.basalt.gguf.GgufFile;
import dev.basalt.gguf.GgufTensorInfo;
import dev.basalt.gguf.Metadata;
import dev.basalt.gguf.MetadataValue;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code convert} (Hugging Face folder to GGUF) and {@code quantize} (GGUF to GGUF) through {@link GgufConverter},
 * against llama.cpp's own files: converting the HF folder made of an archs F32 model gives back its tensors byte for
 * byte; quantizing an archs F32 model to Q8_0 or Q4_K_M gives llama.cpp's Q8_0 / Q4_K_M file's tensors, types and
 * bytes (the reference codecs are ggml's, and the recipe is {@code llama_tensor_get_type}'s); llama.cpp loads and
 * runs what was written.
 */
@Tag("testdata")
class GgufConversionTest {
    @TempDir
    Path tmp;

    static final GgufConverter F32 = new GgufConverter(QuantizationRecipe.parse("F32"), false, 2);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama", "qwen2", "qwen3", "phi3", "gemma2", "gemma3"})
    void convertGivesBackTheConvertersTensorsByteForByte(String family) throws IOException {
        Path folder = HfFolderFixture.write(family, tmp.resolve(family), 1);
        Path out = tmp.resolve(family + ".gguf");
        try (ModelSource hf = ModelSource.open(folder)) {
            F32.convert(hf, out, ConversionProgress.NONE);
        }
        try (GgufFile converted = GgufFile.open(out);
                GgufFile original = GgufFile.open(TestData.path("archs", family + "-F32.gguf"))) {
            assertEquals(original.tensorInfos().size(), converted.tensorInfos().size());
            for (GgufTensorInfo info : original.tensorInfos()) {
                Tensor expected = original.tensor(info.name());
                Tensor actual = converted.tensor(info.name());
                assertEquals(GgmlType.F32, actual.type(), info.name());
                assertArrayEquals(expected.shape(), actual.shape(), info.name());
                assertEquals(-1, expected.data().mismatch(actual.data()), info.name() + ": bytes differ");
            }
            assertEquals(0, converted.metadata().getInt("general.file_type"));
            ModelFamily f = ModelFamily.forArchitecture(family, family);
            assertEquals(ModelConfig.read(ModelSource.of(original), f), ModelConfig.read(ModelSource.of(converted), f));
        }
        boolean tokenizer = family.equals("llama") || family.startsWith("qwen");
        boolean llamaCppKnowsIt = !family.equals("qwen3"); // b4916 predates qwen3
        try (Model m = Model.load(out, ModelOptions.defaults().withContextLength(512))) {
            ArchReferenceTest.assertMatchesReference(m, family + "-F32", ArchReferenceTest.reference(family + "-F32"), tokenizer);
        }
        if (tokenizer && llamaCppKnowsIt) { // the converted phi3/gemma files have no vocabulary (see HfFolderFixture)
            assertLlamaCppMatches(out, family + "-F32");
        }
    }

    /** llama.cpp (the live oracle) runs {@code gguf}: its prompt logits are the archs reference's. */
    static void assertLlamaCppMatches(Path gguf, String reference) throws IOException {
        JsonNode json = ArchReferenceTest.reference(reference);
        int vocab = json.get("n_vocab").asInt();
        float[] expected = LlamaCppReferenceTest.floats(TestData.path("archs", json.get("logits_file").asText()));
        try (LlamaCppOracle oracle = LlamaCppOracle.open(gguf, 512)) {
            for (JsonNode p : json.get("prompts")) {
                int[] ids = LlamaCppReferenceTest.ints(p.get("prompt_ids"));
                float[][] rows = oracle.promptLogits(ids);
                for (int r = 0; r < rows.length; r++) {
                    double[] cmp = LlamaCppReferenceTest.compare(expected, (p.get("row_offset").asInt() + r) * vocab, rows[r], vocab);
                    // The reference was computed by the llama.cpp build that made the archs files; the oracle is b4916.
                    // On F32 they agree to rounding (measured ~1e-7 of the range); quantized rows are held to the
                    // bound ArchReferenceTest gives any engine on those files (one activation flipping across a
                    // quantization boundary moves Gemma 3's Q4_K_M logits by up to ~5e-3 of the range here).
                    double tol = reference.endsWith("F32") ? 1e-5 : ArchReferenceTest.tolerance(reference);
                    assertTrue(cmp[0] / cmp[1] <= tol, reference + " row " + r + ": llama.cpp differs by " + cmp[0]
                            + " of a range of " + cmp[1] + ", allowed " + tol);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama", "qwen2", "qwen3", "phi3", "gemma2", "gemma3"})
    void quantizeGivesLlamaCppsQ8AndQ4KMFiles(String family) throws IOException {
        for (String type : List.of("Q8_0", "Q4_K_M")) {
            Path out = tmp.resolve(family + "-" + type + ".gguf");
            try (ModelSource f32 = ModelSource.open(TestData.path("archs", family + "-F32.gguf"))) {
                new GgufConverter(QuantizationRecipe.parse(type), false, 2).convert(f32, out, ConversionProgress.NONE);
            }
            try (GgufFile ours = GgufFile.open(out);
                    GgufFile llamaCpp = GgufFile.open(TestData.path("archs", family + "-" + type + ".gguf"))) {
                for (GgufTensorInfo info : llamaCpp.tensorInfos()) {
                    Tensor expected = llamaCpp.tensor(info.name());
                    Tensor actual = ours.tensor(info.name());
                    assertEquals(expected.type(), actual.type(), type + " " + info.name() + ": type");
                    assertEquals(-1, expected.data().mismatch(actual.data()), type + " " + info.name() + ": bytes differ");
                }
                assertEquals(llamaCpp.metadata().getInt("general.file_type"), ours.metadata().getInt("general.file_type"));
            }
        }
        if (family.equals("llama") || family.equals("gemma3")) {
            assertLlamaCppMatches(tmp.resolve(family + "-Q4_K_M.gguf"), family + "-Q4_K_M");
        }
    }

    /**
     * ggml's vectors of {@code ../shared/testdata/quant} through the quantize path: a GGUF holding {@code input.f32}
     * as one F32 tensor, quantized to each type; closed-form types must give ggml's bytes, search types (whose
     * reference codecs Basalt also matches byte for byte, but ggml does not promise it) at most ggml's error.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "F16", "BF16", "Q4_K", "Q5_K", "Q6_K", "Q3_K", "Q2_K"})
    void quantizeReproducesGgmlVectors(String type) throws IOException {
        Path quant = TestData.path("quant");
        byte[] input = Files.readAllBytes(quant.resolve("input.f32"));
        Path in = tmp.resolve("input.gguf");
        new dev.basalt.gguf.GgufWriter().put("general.architecture", MetadataValue.string("llama"))
                .put("llama.block_count", MetadataValue.u32(1))
                .tensor("blk.0.ffn_gate.weight", GgmlType.F32, new long[] {512, 16},
                        dev.basalt.gguf.TensorContent.copyOf(java.lang.foreign.MemorySegment.ofArray(input)))
                .write(in);
        Path out = tmp.resolve(type + ".gguf");
        try (ModelSource src = ModelSource.open(in)) {
            new GgufConverter(QuantizationRecipe.parse(type), false, 2).convert(src, out, ConversionProgress.NONE);
        }
        JsonNode manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(quant.resolve("manifest.json").toFile());
        byte[] expected = Files.readAllBytes(quant.resolve(type + ".bin"));
        try (GgufFile f = GgufFile.open(out)) {
            Tensor t = f.tensor("blk.0.ffn_gate.weight");
            assertEquals(GgmlType.fromName(type), t.type());
            if (manifest.get("types").get(type).get("byte_identical_expected").asBoolean()) {
                assertArrayEquals(expected, t.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), type + ": bytes");
            }
            float[] src = new float[512 * 16];
            java.lang.foreign.MemorySegment.ofArray(input).asByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer().get(src);
            float[] back = HuggingFaceFolderTest.floats(t);
            JsonNode rmse = new com.fasterxml.jackson.databind.ObjectMapper().readTree(quant.resolve("rmse.json").toFile()).get(type);
            for (int r = 0; r < 16; r++) {
                double sum = 0;
                for (int i = 0; i < 512; i++) {
                    double d = src[r * 512 + i] - back[r * 512 + i];
                    sum += d * d;
                }
                double ours = Math.sqrt(sum / 512);
                // ggml's own error on the row; 1e-6 relative covers float64 summation order (measured ~2e-9)
                assertTrue(ours <= rmse.get(r).asDouble() * (1 + 1e-6), type + " row " + r + ": RMSE " + ours
                        + " above ggml's " + rmse.get(r).asDouble());
            }
        }
    }

    @Test
    void refusesRequantizingUnlessAllowed() throws IOException {
        Path out = tmp.resolve("q4.gguf");
        Path q8 = TestData.path("archs", "llama-Q8_0.gguf");
        try (ModelSource src = ModelSource.open(q8)) {
            RequantizationException e = assertThrows(RequantizationException.class, () ->
                    new GgufConverter(QuantizationRecipe.parse("Q4_0"), false, 2).convert(src, out, ConversionProgress.NONE));
            assertTrue(e.getMessage().contains("llama-Q8_0.gguf") && e.getMessage().contains("is already Q8_0")
                    && e.getMessage().contains("--allow-requantize"), e.getMessage());
            assertFalse(Files.exists(out));
            // Keeping the type copies the tensors; allowing re-quantization converts them.
            new GgufConverter(QuantizationRecipe.parse("Q8_0"), false, 2).convert(src, out, ConversionProgress.NONE);
            try (GgufFile a = GgufFile.open(out); GgufFile b = GgufFile.open(q8)) {
                for (GgufTensorInfo i : b.tensorInfos()) {
                    assertEquals(-1, a.tensor(i.name()).data().mismatch(b.tensor(i.name()).data()), i.name());
                }
            }
            new GgufConverter(QuantizationRecipe.parse("Q4_0"), true, 2).convert(src, out, ConversionProgress.NONE);
            try (GgufFile a = GgufFile.open(out)) {
                assertEquals(GgmlType.Q4_0, a.tensor("blk.0.attn_q.weight").type());
            }
        }
    }

    /** A conversion that fails half way leaves the target as it was (here: an older file) and no partial file. */
    @Test
    void failedConversionLeavesNoHalfWrittenFile() throws IOException {
        Path out = tmp.resolve("out.gguf");
        Files.writeString(out, "previous content");
        try (ModelSource real = ModelSource.open(TestData.path("archs", "llama-F32.gguf"))) {
            ModelSource failing = new FailingSource(real, "blk.1.attn_q.weight");
            assertThrows(UncheckedIOException.class, () ->
                    new GgufConverter(QuantizationRecipe.parse("Q8_0"), false, 2).convert(failing, out, ConversionProgress.NONE));
        }
        assertEquals("previous content", Files.readString(out));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(out), files.toList());
        }
    }

    /** A source whose tensor {@code failAt} cannot be read (say, a disk error in the middle of a conversion). */
    private record FailingSource(ModelSource inner, String failAt) implements ModelSource {
        public String source() {
            return inner.source();
        }

        public Metadata metadata() {
            return inner.metadata();
        }

        public List<String> tensorNames() {
            return inner.tensorNames();
        }

        public boolean hasTensor(String name) {
            return inner.hasTensor(name);
        }

        public Tensor tensor(String name) {
            return inner.tensor(name);
        }

        public long[] shape(String name) {
            return inner.shape(name);
        }

        public GgmlType type(String name) {
            return inner.type(name);
        }

        public Tensor tensor(String name, Arena copies) {
            if (name.equals(failAt)) {
                throw new UncheckedIOException(new IOException("simulated read error in " + name));
            }
            return inner.tensor(name, copies);
        }

        public void close() {
        }
    }

}
