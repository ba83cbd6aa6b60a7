package dev.basalt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.engine.InferenceSession;
import dev.basalt.engine.Model;
import dev.basalt.engine.convert.QuantizationRecipe;
import dev.basalt.engine.oracle.LlamaCppOracle;
import dev.basalt.gguf.GgufFile;
import dev.basalt.tensor.GgmlType;
import dev.basalt.tensor.TestData;
import dev.basalt.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A synthetic model of the tiny Llama 3 shape: Basalt and llama.cpp both load it and tokenize alike. */
@Tag("testdata")
@Tag("oracle")
class SyntheticModelTest {
    private static final List<String> TEXTS = List.of(
            "Hello world! It's 2024, and the naïve café serves 12345 crêpes.",
            "  leading spaces,\ttabs\nand newlines\n\n  ",
            "日本語のテキスト, русский текст, emoji 🦙🔥",
            "<|begin_of_text|>special text stays text unless parsed<|eot_id|>",
            "don't I'll we've THEY'RE x=a+b*(c-d)/e; 3.14159");

    @TempDir
    static Path dir;
    static Llama3Vocabulary vocabulary;
    static Path q4km;

    @BeforeAll
    static void writeModel() throws Exception {
        vocabulary = Llama3Vocabulary.read(TestData.path("tokenizers", "llama3"));
        q4km = dir.resolve("tiny-q4km.gguf");
        new SyntheticModel(ModelShape.named("llama-3-tiny"), QuantizationRecipe.parse("Q4_K_M"), vocabulary, 7).write(q4km, 2);
    }

    @Test
    void basaltAndLlamaCppTokenizeSampleTextsAlike() throws Exception {
        try (Model model = Model.load(q4km); LlamaCppOracle llama = LlamaCppOracle.open(q4km, 64)) {
            Tokenizer basalt = model.tokenizer();
            assertEquals(128256, llama.vocabSize());
            for (String text : TEXTS) {
                for (boolean special : new boolean[] {false, true}) {
                    int[] expected = llama.tokenize(text, special, special);
                    assertArrayEquals(expected, basalt.encode(text, special, special), text + " special=" + special);
                    assertTrue(expected.length > 3, text);
                }
            }
            assertEquals(128000, llama.tokenize("a", true, false)[0], "BOS is <|begin_of_text|>");
        }
    }

    @Test
    void bothEnginesRunTheModelToFiniteLogits() throws Exception {
        int[] prompt = {128000, 9906, 1917, 11, 433, 596};
        float[] basaltLogits;
        try (Model model = Model.load(q4km); InferenceSession session = model.newSession(32)) {
            basaltLogits = session.forward(prompt, false);
        }
        float[] llamaLogits;
        try (LlamaCppOracle llama = LlamaCppOracle.open(q4km, 32)) {
            llamaLogits = llama.promptLastLogits(prompt);
        }
        assertEquals(llamaLogits.length, basaltLogits.length);
        double maxAbs = 0;
        for (int i = 0; i < llamaLogits.length; i++) {
            assertTrue(Float.isFinite(basaltLogits[i]) && Float.isFinite(llamaLogits[i]), "logit " + i);
            maxAbs = Math.max(maxAbs, Math.abs(llamaLogits[i]));
        }
        assertTrue(maxAbs > 0.1, "the random weights give non-trivial logits, max |logit| " + maxAbs);
    }

    @Test
    void theQ4KMRecipeGivesLlamaCppsTypes() throws Exception {
        try (GgufFile file = GgufFile.open(q4km)) {
            assertEquals(GgmlType.Q6_K, file.tensor("token_embd.weight").type(), "tied embeddings are the output");
            assertEquals(GgmlType.Q4_K, file.tensor("blk.0.attn_v.weight").type(), "use_more_bits(0, 2) is false");
            assertEquals(GgmlType.Q6_K, file.tensor("blk.1.attn_v.weight").type(), "last eighth of the layers");
            assertEquals(GgmlType.Q6_K, file.tensor("blk.1.ffn_down.weight").type());
            assertEquals(GgmlType.Q4_K, file.tensor("blk.1.ffn_up.weight").type());
            assertEquals(GgmlType.F32, file.tensor("blk.0.attn_norm.weight").type());
            assertEquals(GgmlType.F32, file.tensor("rope_freqs.weight").type());
            assertFalse(file.hasTensor("output.weight"));
            assertEquals(15, file.metadata().getInt("general.file_type"), "LLAMA_FTYPE_MOSTLY_Q4_K_M");
        }
        // For Llama 3.2 1B's 16 layers: the layers llama-quantize gives Q6_K attn_v and ffn_down.
        List<Integer> moreBits = new ArrayList<>();
        for (int l = 0; l < 16; l++) {
            if (QuantizationRecipe.parse("Q4_K_M").typeOf("blk." + l + ".attn_v.weight", new long[] {2048, 512}, 16, true)
                    == GgmlType.Q6_K) {
                moreBits.add(l);
            }
        }
        assertEquals(List.of(0, 1, 4, 7, 10, 13, 14, 15), moreBits);
    }

    @Test
    void theSameArgumentsGiveTheSameBytesOnAnyNumberOfThreads() throws Exception {
        SyntheticModel model = new SyntheticModel(ModelShape.named("llama-3-tiny"), QuantizationRecipe.parse("q8_0"),
                vocabulary, 3);
        Path one = dir.resolve("one.gguf");
        Path two = dir.resolve("two.gguf");
        long size = model.write(one, 1);
        model.write(two, 2);
        assertEquals(size, Files.size(one));
        assertEquals(-1, Files.mismatch(one, two));
        assertEquals(model.tensorBytes() + headerBytes(one), size);
    }

    private static long headerBytes(Path gguf) throws Exception {
        try (GgufFile f = GgufFile.open(gguf)) {
            long padding = f.fileSize() - f.dataOffset() - f.tensorInfos().stream().mapToLong(t -> t.byteSize()).sum();
            return f.dataOffset() + padding;
        }
    }

    @Test
    void ropeFactorsFollowLlama31Scaling() {
        float[] f = ModelShape.named("llama-3.2-1b").ropeFrequencyFactors();
        assertEquals(32, f.length);
        assertEquals(1f, f[0], "high frequencies are not scaled");
        assertEquals(32f, f[31], "low frequencies are divided by the factor");
        for (int i = 1; i < f.length; i++) {
            assertTrue(f[i] >= f[i - 1], "factors grow with the wavelength");
        }
    }

    @Test
    void badArgumentsAreRefusedByName() {
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> ModelShape.named("gpt-5"));
        assertTrue(shape.getMessage().contains("llama-3.2-1b"), shape.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> QuantizationRecipe.parse("Q9_9"));
        assertTrue(type.getMessage().contains("Q9_9"), type.getMessage());
        IllegalArgumentException lattice = assertThrows(IllegalArgumentException.class, () -> QuantizationRecipe.parse("IQ2_XXS"));
        assertTrue(lattice.getMessage().contains("no quantizer"), lattice.getMessage());
    }
}
