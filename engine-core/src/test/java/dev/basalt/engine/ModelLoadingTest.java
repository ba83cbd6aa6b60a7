package dev.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.gguf.GgufWriter;
import dev.basalt.gguf.MetadataException;
import dev.basalt.gguf.MetadataValue;
import dev.basalt.gguf.ModelFormatException;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading: the dedicated exceptions for bad files, and a tiny synthetic model that does load and run. */
class ModelLoadingTest {
    @TempDir
    Path dir;

    private static final int DIM = 8;
    private static final int HEADS = 2;
    private static final int KV_HEADS = 1;
    private static final int FFN = 12;
    private static final int VOCAB = 16;

    /** A one-block llama of random F32 weights; {@code edit} may change the tensor map before it is written. */
    private Path tinyLlama(String name, String architecture, Consumer<Map<String, long[]>> edit) throws IOException {
        return tinyLlama(name, architecture, edit, Map.of(), w -> { });
    }

    /** As above; tensors named in {@code constants} hold that value everywhere, {@code metadata} adds keys. */
    private Path tinyLlama(String name, String architecture, Consumer<Map<String, long[]>> edit,
            Map<String, Float> constants, Consumer<GgufWriter> metadata) throws IOException {
        Map<String, long[]> tensors = new java.util.LinkedHashMap<>();
        tensors.put("token_embd.weight", new long[] {DIM, VOCAB});
        tensors.put("blk.0.attn_norm.weight", new long[] {DIM});
        tensors.put("blk.0.attn_q.weight", new long[] {DIM, DIM});
        tensors.put("blk.0.attn_k.weight", new long[] {DIM, DIM / HEADS * KV_HEADS});
        tensors.put("blk.0.attn_v.weight", new long[] {DIM, DIM / HEADS * KV_HEADS});
        tensors.put("blk.0.attn_output.weight", new long[] {DIM, DIM});
        tensors.put("blk.0.ffn_norm.weight", new long[] {DIM});
        tensors.put("blk.0.ffn_gate.weight", new long[] {DIM, FFN});
        tensors.put("blk.0.ffn_up.weight", new long[] {DIM, FFN});
        tensors.put("blk.0.ffn_down.weight", new long[] {FFN, DIM});
        tensors.put("output_norm.weight", new long[] {DIM});
        edit.accept(tensors);
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", MetadataValue.string(architecture));
        String a = architecture + ".";
        w.put(a + "context_length", MetadataValue.u32(64));
        w.put(a + "embedding_length", MetadataValue.u32(DIM));
        w.put(a + "block_count", MetadataValue.u32(1));
        w.put(a + "feed_forward_length", MetadataValue.u32(FFN));
        w.put(a + "attention.head_count", MetadataValue.u32(HEADS));
        w.put(a + "attention.head_count_kv", MetadataValue.u32(KV_HEADS));
        w.put(a + "attention.layer_norm_rms_epsilon", MetadataValue.f32(1e-5f));
        w.put(a + "vocab_size", MetadataValue.u32(VOCAB));
        metadata.accept(w);
        Random rnd = new Random(5);
        tensors.forEach((n, shape) -> w.tensor(n, GgmlType.F32, shape, seg -> {
            for (long i = 0; i < seg.byteSize() / 4; i++) {
                float v = constants.containsKey(n) ? constants.get(n) : (float) rnd.nextGaussian() * 0.5f;
                seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, v);
            }
        }));
        Path p = dir.resolve(name + ".gguf");
        w.write(p);
        return p;
    }

    @Test
    void tinySyntheticModelLoadsWithTiedEmbeddingsAndRuns() throws IOException {
        try (Model m = Model.load(tinyLlama("ok", "llama", t -> { }), ModelOptions.defaults().withThreads(1))) {
            assertTrue(m.tiedEmbeddings());
            assertEquals(64, m.defaultContextLength());
            assertEquals(new ModelConfig("llama", DIM, 1, HEADS, KV_HEADS, FFN, 64, 4, 4, 4, 10000f, RopeScaling.NONE,
                    1e-5f, VOCAB, 1f, 64, 0.5f, 0f, 0f, 0, 1, 10000f, RopeScaling.NONE, true, Pooling.NONE, 1), m.config());
            try (InferenceSession s = m.newSession()) {
                float[] logits = s.forward(new int[] {1, 2, 3}, false);
                assertEquals(VOCAB, logits.length);
                for (float f : logits) {
                    assertTrue(Float.isFinite(f));
                }
                assertThrows(IllegalArgumentException.class, () -> s.forward(new int[] {VOCAB}, false));
                assertThrows(IllegalArgumentException.class, () -> s.forward(new int[0], false));
                assertEquals(3, s.position());
            }
            // No tokenizer.ggml.* metadata: the model runs on ids, and asking for text says why it cannot.
            dev.basalt.tokenizer.TokenizerException e = assertThrows(dev.basalt.tokenizer.TokenizerException.class, m::tokenizer);
            assertTrue(e.getMessage().contains("ok.gguf has no tokenizer"), e.getMessage());
            assertThrows(dev.basalt.tokenizer.TokenizerException.class, () -> m.newGenerator(GenerationOptions.builder().build()));
        }
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path p = tinyLlama("missing", "llama", t -> t.remove("blk.0.ffn_up.weight"));
        MissingTensorException e = assertThrows(MissingTensorException.class, () -> Model.load(p));
        assertEquals("blk.0.ffn_up.weight", e.tensor());
        assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("blk.0.ffn_up.weight"), e.getMessage());
    }

    @Test
    void wrongShapeIsNamedWithExpectedShape() throws IOException {
        Path p = tinyLlama("shape", "llama", t -> t.put("blk.0.attn_k.weight", new long[] {DIM, DIM}));
        TensorShapeException e = assertThrows(TensorShapeException.class, () -> Model.load(p));
        assertEquals("blk.0.attn_k.weight", e.tensor());
        assertTrue(e.getMessage().contains("[8, 8]") && e.getMessage().contains("[8, 4]"), e.getMessage());
        assertTrue(e instanceof ModelFormatException);
    }

    @Test
    void wrongVocabularyRowsAreAShapeError() throws IOException {
        Path p = tinyLlama("vocab", "llama", t -> t.put("token_embd.weight", new long[] {DIM, VOCAB + 1}));
        TensorShapeException e = assertThrows(TensorShapeException.class, () -> Model.load(p));
        assertEquals("token_embd.weight", e.tensor());
    }

    @Test
    void unknownArchitectureListsSupportedOnes() throws IOException {
        Path p = tinyLlama("arch", "mamba9", t -> { });
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> Model.load(p));
        assertEquals("mamba9", e.architecture());
        assertTrue(e.getMessage().contains("'mamba9'") && e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().endsWith("supported architectures: bert, gemma2, gemma3, llama, phi3, qwen2, qwen3"),
                e.getMessage());
    }

    /** A family's own tensors are required: qwen2 needs the Q/K/V biases a llama-shaped file lacks. */
    @Test
    void familyTensorsAreRequired() throws IOException {
        Path p = tinyLlama("qwen2", "qwen2", t -> { });
        MissingTensorException e = assertThrows(MissingTensorException.class, () -> Model.load(p));
        assertEquals("blk.0.attn_q.bias", e.tensor());
        assertTrue(e.getMessage().contains("a qwen2 model needs it"), e.getMessage());
    }

    /** A Phi-3 block: [Q | K | V] rows in attn_qkv, [gate | up] rows in ffn_up. */
    private static final Consumer<Map<String, long[]>> PHI3_FUSED = t -> {
        for (String n : new String[] {"attn_q", "attn_k", "attn_v", "ffn_gate"}) {
            t.remove("blk.0." + n + ".weight");
        }
        t.put("blk.0.attn_qkv.weight", new long[] {DIM, DIM + 2 * (DIM / HEADS * KV_HEADS)});
        t.put("blk.0.ffn_up.weight", new long[] {DIM, 2 * FFN});
    };

    /** Phi-3's fused tensors load, and their shapes are checked. */
    @Test
    void fusedPhi3TensorsLoadAndAreShapeChecked() throws IOException {
        Consumer<Map<String, long[]>> fused = PHI3_FUSED;
        try (Model m = Model.load(tinyLlama("phi3", "phi3", fused), ModelOptions.defaults().withThreads(1));
                InferenceSession s = m.newSession()) {
            for (float f : s.forward(new int[] {1, 2, 3}, true)) {
                assertTrue(Float.isFinite(f));
            }
        }
        Path wrong = tinyLlama("phi3-wrong", "phi3", fused.andThen(t -> t.put("blk.0.ffn_up.weight", new long[] {DIM, FFN})));
        TensorShapeException e = assertThrows(TensorShapeException.class, () -> Model.load(wrong));
        assertEquals("blk.0.ffn_up.weight", e.tensor());
        assertTrue(e.getMessage().contains("[8, 24]"), e.getMessage());
    }

    /**
     * LongRoPE: within the original context (64, the context length here) the short factors apply (all 1: the same
     * logits as no factors); beyond it the long ones (all 2: every angle halved, which is linear RoPE scaling by 2,
     * bit for bit since halving is exact).
     */
    @Test
    void longRopeFactorsApplyBeyondTheOriginalContext() throws IOException {
        long[] pairs = {DIM / HEADS / 2};
        Path longRope = tinyLlama("longrope", "phi3", PHI3_FUSED.andThen(t -> {
            t.put("rope_factors_long.weight", pairs);
            t.put("rope_factors_short.weight", pairs);
        }), Map.of("rope_factors_long.weight", 2f, "rope_factors_short.weight", 1f), w -> { });
        Path plain = tinyLlama("plain", "phi3", PHI3_FUSED);
        Path linear = tinyLlama("linear", "phi3", PHI3_FUSED, Map.of(), w -> {
            w.put("phi3.rope.scaling.type", MetadataValue.string("linear"));
            w.put("phi3.rope.scaling.factor", MetadataValue.f32(2f));
        });
        assertArrayEquals(logits(plain, 64), logits(longRope, 64));
        assertArrayEquals(logits(linear, 128), logits(longRope, 128));
        assertFalse(java.util.Arrays.equals(logits(plain, 128), logits(longRope, 128)));
    }

    private static float[] logits(Path model, int context) throws IOException {
        try (Model m = Model.load(model, ModelOptions.defaults().withThreads(1));
                InferenceSession s = m.newSession(context)) {
            return s.forward(new int[] {1, 5, 9, 2, 7, 3}, true);
        }
    }

    @Test
    void missingMetadataKeyIsNamed() throws IOException {
        Path p = tinyLlama("nometa", "llama", t -> { });
        // rewrite without the epsilon: a required key
        GgufWriter w = new GgufWriter();
        try (var f = dev.basalt.gguf.GgufFile.open(p)) {
            f.metadata().asMap().forEach((k, v) -> {
                if (!k.endsWith("layer_norm_rms_epsilon")) {
                    w.put(k, v);
                }
            });
            f.tensors().forEach(w::tensor);
            w.write(dir.resolve("nometa2.gguf"));
        }
        MetadataException e = assertThrows(MetadataException.class, () -> Model.load(dir.resolve("nometa2.gguf")));
        assertEquals("llama.attention.layer_norm_rms_epsilon", e.key());
    }

    @Test
    void unknownBackendIsRefused() throws IOException {
        Path p = tinyLlama("backend", "llama", t -> { });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Model.load(p, ModelOptions.defaults().withBackend("tpu")));
        assertTrue(e.getMessage().contains("tpu") && e.getMessage().contains("cpu"), e.getMessage());
    }

    /** engine-core's own tests have no GPU module on the class path: auto runs on the CPU and says so. */
    @Test
    void autoWithoutAGpuBackendRunsOnTheCpuAndSaysWhy() throws IOException {
        Path p = tinyLlama("auto", "llama", t -> { });
        try (Model m = Model.load(p, ModelOptions.defaults().withBackend("auto"))) {
            assertEquals("cpu", m.backendName());
            assertEquals("no GPU backend on the class path; running on the CPU", m.backendFallback());
        }
        try (Model m = Model.load(p, ModelOptions.defaults())) {
            assertEquals(null, m.backendFallback());
        }
    }

    @Tag("testdata")
    @Test
    void ggufVersion1IsAClearFormatError() {
        Path v1 = TestData.path("models", "stories260K-ggufv1.gguf");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Model.load(v1));
        assertTrue(e.getMessage().contains(v1.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("v1"), e.getMessage());
    }

    @Tag("testdata")
    @Test
    void tiedModelUsesTheEmbeddingAsOutput() throws IOException {
        try (Model m = Model.load(TestData.path("models", "synthetic-llama-128-tied-F32.gguf"))) {
            assertTrue(m.tiedEmbeddings());
        }
        try (Model m = Model.load(TestData.path("models", "synthetic-llama-256-F32.gguf"))) {
            assertFalse(m.tiedEmbeddings());
        }
    }
}
