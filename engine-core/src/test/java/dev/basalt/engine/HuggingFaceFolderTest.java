package dev.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.engine.hf.HfFolderFixture;
import dev.basalt.engine.hf.HuggingFaceModel;
import dev.basalt.gguf.GgufFile;
import dev.basalt.gguf.Metadata;
import dev.basalt.tensor.Tensor;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hugging Face folders built from the archs F32 models (see {@link HfFolderFixture}: HF names, llama's Q/K rows in
 * rotate-half order, Gemma's norms without the +1) load as the very model llama.cpp's converter made of them: the
 * same configuration, every tensor bit for bit, and the archs references' logits (tolerance of
 * {@link ArchReferenceTest}: the same float32 weights, so the same 1e-3 of the logit range).
 */
@Tag("testdata")
class HuggingFaceFolderTest {
    static final String FAMILIES = "llama,qwen2,qwen3,phi3,gemma2,gemma3";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama", "qwen2", "qwen3", "phi3", "gemma2", "gemma3"})
    void mapsConfigAndEveryTensorLikeTheConverter(String family) throws IOException {
        Path folder = HfFolderFixture.write(family, tmp.resolve(family), family.equals("qwen2") ? 3 : 1);
        try (ModelSource hf = ModelSource.open(folder);
                ModelSource gguf = ModelSource.open(TestData.path("archs", family + "-F32.gguf"))) {
            assertTrue(hf instanceof HuggingFaceModel);
            ModelFamily f = ModelFamily.forArchitecture(family, family);
            assertEquals(ModelConfig.read(gguf, f), ModelConfig.read(hf, f));
            assertEquals(new TreeSet<>(gguf.tensorNames()), new TreeSet<>(hf.tensorNames()));
            for (String name : gguf.tensorNames()) {
                Tensor expected = gguf.tensor(name);
                Tensor actual = hf.tensor(name);
                assertArrayEquals(expected.shape(), actual.shape(), name);
                assertArrayEquals(floats(expected), floats(actual), name + ": values differ from the GGUF's");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama", "qwen2", "qwen3", "phi3", "gemma2", "gemma3"})
    void runsWithTheLogitsLlamaCppComputesOnTheGguf(String family) throws IOException {
        Path folder = HfFolderFixture.write(family, tmp.resolve(family), 1);
        boolean hasTokenizer = family.equals("llama") || family.startsWith("qwen");
        try (Model m = Model.load(folder, ModelOptions.defaults().withContextLength(512))) {
            ArchReferenceTest.assertMatchesReference(m, family + "-F32", ArchReferenceTest.reference(family + "-F32"),
                    hasTokenizer);
        }
    }

    /** The tokenizer.ggml.* a folder's tokenizer.json gives equal those of the archs file cut from the same vocabulary. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void tokenizerMetadataMatchesTheArchsFile(String family) throws IOException {
        Path folder = HfFolderFixture.write(family, tmp.resolve(family), 1);
        try (ModelSource hf = ModelSource.open(folder);
                GgufFile gguf = GgufFile.open(TestData.path("archs", family + "-F32.gguf"))) {
            Metadata expected = gguf.metadata();
            Metadata actual = hf.metadata();
            for (String key : List.of("tokenizer.ggml.model", "tokenizer.ggml.pre")) {
                assertEquals(expected.getString(key), actual.getString(key), key);
            }
            for (String key : List.of("tokenizer.ggml.tokens", "tokenizer.ggml.merges")) {
                assertArrayEquals(expected.getStringArray(key), actual.getStringArray(key), key);
            }
            for (String key : List.of("tokenizer.ggml.token_type")) {
                assertArrayEquals(expected.getIntArray(key), actual.getIntArray(key), key);
            }
            for (String key : List.of("tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id")) {
                assertEquals(expected.getInt(key), actual.getInt(key), key);
            }
            assertFalse(actual.getString("tokenizer.chat_template").isEmpty());
        }
    }

    /**
     * generation_config.json: its sampling is the model's default (a user's choice wins), it reaches a converted GGUF
     * as general.sampling.*, and its eos_token_id list ends generation: here the list names the token llama.cpp
     * generates first after prompt A, so greedy generation stops right there.
     */
    @org.junit.jupiter.api.Test
    void generationConfigDefaultsAreHonoured() throws IOException {
        Path folder = HfFolderFixture.write("llama", tmp.resolve("llama"), 1);
        com.fasterxml.jackson.databind.JsonNode ref = ArchReferenceTest.reference("llama-F32");
        int firstGenerated = ref.get("prompts").get(0).get("generated_ids").get(0).asInt();
        java.nio.file.Files.writeString(folder.resolve("generation_config.json"), "{\"do_sample\": true, "
                + "\"temperature\": 0.6, \"top_p\": 0.9, \"top_k\": 20, \"eos_token_id\": [508, " + firstGenerated + "]}");
        try (Model m = Model.load(folder, ModelOptions.defaults().withContextLength(512))) {
            GenerationDefaults d = m.generationDefaults();
            assertEquals(0.6f, d.temperature());
            assertEquals(0.9f, d.topP());
            assertEquals(20, d.topK());
            assertArrayEquals(new int[] {508, firstGenerated}, d.endOfGenerationIds());
            SamplingOptions applied = d.applyTo(SamplingOptions.DEFAULTS.withTopK(5), false, false, true);
            assertEquals(0.6f, applied.temperature());
            assertEquals(0.9f, applied.topP());
            assertEquals(5, applied.topK(), "the user's top-k wins");
            try (Generator g = m.newGenerator(GenerationOptions.builder().greedy().maxTokens(16).build())) {
                GenerationResult r = g.generate(LlamaCppReferenceTest.ints(ref.get("prompts").get(0).get("prompt_ids")), t -> { });
                assertEquals(StopReason.END_OF_GENERATION, r.stopReason());
                assertArrayEquals(new int[] {firstGenerated}, r.tokens());
            }
        }
        Path out = tmp.resolve("llama.gguf");
        try (ModelSource hf = ModelSource.open(folder)) {
            new dev.basalt.engine.convert.GgufConverter(dev.basalt.engine.convert.QuantizationRecipe.parse("F16"), false, 1)
                    .convert(hf, out, dev.basalt.engine.convert.ConversionProgress.NONE);
        }
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(0.6f, f.metadata().getFloat("general.sampling.temp"));
            assertEquals(20, f.metadata().getInt("general.sampling.top_k"));
            assertEquals(GenerationDefaults.fromMetadata(f.metadata()).topP(), 0.9f);
        }
    }

    static float[] floats(Tensor t) {
        float[] v = new float[(int) t.elementCount()];
        t.type().codec().dequantize(t.data(), 0, v, 0, v.length);
        return v;
    }
}
