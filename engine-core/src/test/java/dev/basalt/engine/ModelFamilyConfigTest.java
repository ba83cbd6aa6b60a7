package dev.basalt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.gguf.GgufFile;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What each family reads from its metadata, checked against the facts ../shared/testdata/archs/README.md states
 * for its files (written by llama.cpp's converter conventions): which layers are local, windows, RoPE bases,
 * query scale, soft-caps. The reference logits test the numbers end to end; this names the convention that broke.
 */
@Tag("testdata")
class ModelFamilyConfigTest {

    private static ModelConfig config(String family) throws IOException {
        try (GgufFile f = GgufFile.open(TestData.path("archs", family + "-F32.gguf"))) {
            ModelFamily fam = ModelFamily.forArchitecture(f.metadata().getString("general.architecture"), f.source());
            assertEquals(family, fam.architecture());
            return ModelConfig.read(ModelSource.of(f), fam);
        }
    }

    @Test
    void gemma2AlternatesLocalAndGlobalLayersAndSoftCaps() throws IOException {
        ModelConfig c = config("gemma2");
        assertEquals(16, c.slidingWindow());
        assertTrue(c.slidingLayer(0));
        assertFalse(c.slidingLayer(1));
        assertEquals(50f, c.attentionSoftcap());
        assertEquals(30f, c.finalSoftcap());
        assertEquals(64, c.keyLength());
        assertEquals(1 / 8f, c.queryScale()); // 1/sqrt(key_length), not 1/sqrt(128/4)
        assertEquals(10000f, c.ropeFreqBase()); // no key: llama.cpp's default, for local layers too
        assertEquals(10000f, c.ropeFreqBaseLocal());
    }

    @Test
    void gemma3HasFiveLocalLayersToOneGlobalWithTheirOwnRopeBase() throws IOException {
        ModelConfig c = config("gemma3");
        assertEquals(16, c.slidingWindow());
        for (int l = 0; l < 5; l++) {
            assertTrue(c.slidingLayer(l), "layer " + l);
        }
        assertFalse(c.slidingLayer(5));
        assertEquals(1e6f, c.ropeFreqBase());
        assertEquals(10000f, c.ropeFreqBaseLocal());
        assertEquals((float) (1 / Math.sqrt(48)), c.queryScale());
        assertEquals(0f, c.attentionSoftcap());
        assertEquals(0f, c.finalSoftcap());
    }

    /** llama.cpp disables Phi-3's sliding window although the converter writes it; so must we (the references do). */
    @Test
    void phi3IgnoresItsSlidingWindowAndRotatesPartially() throws IOException {
        ModelConfig c = config("phi3");
        assertEquals(0, c.slidingWindow());
        assertFalse(c.slidingLayer(0));
        assertEquals(24, c.ropeDimensionCount());
        assertEquals(32, c.keyLength());
        assertEquals(512, c.ropeOriginalContextLength());
    }

    @Test
    void qwen3HasItsOwnHeadSize() throws IOException {
        ModelConfig c = config("qwen3");
        assertEquals(64, c.keyLength());
        assertEquals(256, c.queryDim());
        assertEquals(0.125f, c.queryScale());
        assertEquals(0, c.slidingWindow());
    }
}
