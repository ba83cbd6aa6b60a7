package dev.basalt.engine.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks that {@link LlamaCppStructs} matches the bundled library: llama.cpp's default parameter values must
 * come back at the offsets the layouts give them. A build with other struct layouts fails here, before any test
 * passes a garbled struct to it.
 */
@Tag("oracle")
class LlamaCppAbiTest {

    @Test
    void structSizesAreThoseOfBuildB4916() {
        assertEquals(64, LlamaCppStructs.MODEL_PARAMS.byteSize());
        assertEquals(120, LlamaCppStructs.CONTEXT_PARAMS.byteSize());
        assertEquals(56, LlamaCppStructs.BATCH.byteSize());
    }

    @Test
    void modelDefaultsLandAtTheExpectedOffsets() {
        LlamaCppLibrary lib = LlamaCppLibrary.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = lib.modelDefaultParams(arena);
            assertEquals(MemorySegment.NULL, get(p, "devices"));
            assertEquals(0, (int) get(p, "n_gpu_layers"));
            assertEquals(1, (int) get(p, "split_mode"), "LLAMA_SPLIT_MODE_LAYER");
            assertEquals(0, (int) get(p, "main_gpu"));
            assertEquals(MemorySegment.NULL, get(p, "kv_overrides"));
            assertEquals(false, get(p, "vocab_only"));
            assertEquals(true, get(p, "use_mmap"));
            assertEquals(false, get(p, "use_mlock"));
            assertEquals(false, get(p, "check_tensors"));
        }
    }

    @Test
    void contextDefaultsLandAtTheExpectedOffsets() {
        LlamaCppLibrary lib = LlamaCppLibrary.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = lib.contextDefaultParams(arena);
            assertEquals(512, (int) ctx(p, "n_ctx"));
            assertEquals(2048, (int) ctx(p, "n_batch"));
            assertEquals(512, (int) ctx(p, "n_ubatch"));
            assertEquals(1, (int) ctx(p, "n_seq_max"));
            assertEquals(4, (int) ctx(p, "n_threads"), "GGML_DEFAULT_N_THREADS");
            assertEquals(4, (int) ctx(p, "n_threads_batch"));
            assertEquals(-1, (int) ctx(p, "rope_scaling_type"));
            assertEquals(-1, (int) ctx(p, "pooling_type"));
            assertEquals(-1, (int) ctx(p, "attention_type"));
            assertEquals(0f, (float) ctx(p, "rope_freq_base"));
            assertEquals(-1f, (float) ctx(p, "yarn_ext_factor"));
            assertEquals(1f, (float) ctx(p, "yarn_attn_factor"));
            assertEquals(32f, (float) ctx(p, "yarn_beta_fast"));
            assertEquals(1f, (float) ctx(p, "yarn_beta_slow"));
            assertEquals(-1f, (float) ctx(p, "defrag_thold"));
            assertEquals(MemorySegment.NULL, ctx(p, "cb_eval"));
            assertEquals(1, (int) ctx(p, "type_k"), "GGML_TYPE_F16");
            assertEquals(1, (int) ctx(p, "type_v"), "GGML_TYPE_F16");
            assertEquals(false, ctx(p, "logits_all"));
            assertEquals(false, ctx(p, "embeddings"));
            assertEquals(true, ctx(p, "offload_kqv"));
            assertEquals(false, ctx(p, "flash_attn"));
            assertEquals(true, ctx(p, "no_perf"));
            assertEquals(MemorySegment.NULL, ctx(p, "abort_callback"));
        }
    }

    @Test
    void aFileLlamaCppRefusesGivesItsErrorInTheMessage(@TempDir Path dir) throws Exception {
        Path bogus = Files.writeString(dir.resolve("bogus.gguf"), "not a gguf file");
        LlamaCppException e = assertThrows(LlamaCppException.class, () -> LlamaCppOracle.open(bogus, 64));
        assertTrue(e.getMessage().contains("could not load") && e.getMessage().contains("bogus.gguf"), e.getMessage());
        // gguf's own "invalid magic" line goes straight to stderr in this build; llama.cpp's summary is captured.
        assertTrue(e.getMessage().contains("error loading model"), e.getMessage());
        assertThrows(LlamaCppException.class, () -> LlamaCppOracle.open(dir.resolve("missing.gguf"), 64));
    }

    @Test
    void aMissingLibraryFailsWithAMessageThatSaysWhatIsMissing() {
        ClassLoader empty = new ClassLoader(null) {
        };
        LlamaCppUnavailableException e = assertThrows(LlamaCppUnavailableException.class,
                () -> LlamaCppLibrary.extractAndOpen(empty));
        assertTrue(e.getMessage().contains("libjllama.so") && e.getMessage().contains("de.kherud:llama"), e.getMessage());
    }

    private static Object get(MemorySegment p, String field) {
        return LlamaCppStructs.field(LlamaCppStructs.MODEL_PARAMS, field).get(p, 0L);
    }

    private static Object ctx(MemorySegment p, String field) {
        return LlamaCppStructs.field(LlamaCppStructs.CONTEXT_PARAMS, field).get(p, 0L);
    }
}
