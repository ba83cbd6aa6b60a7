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

    static float[] floats(Tensor t) {
        float[] v = new float[(int) t.elementCount()];
        t.type().codec().dequantize(t.data(), 0, v, 0, v.length);
        return v;
    }
}
