package dev.basalt.engine.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.basalt.gguf.GgufFile;
import dev.basalt.tensor.GgmlType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * llama.cpp loads and runs what Basalt's GGUF writer and reference quantizers write: every weight format
 * llama.cpp b4916 supports for a llama on the CPU, and random shapes.
 */
@Tag("oracle")
class SyntheticLlamaTest {
    private static final int[] PROMPT = {1, 300, 17, 259, 42, 280, 99, 310};

    @TempDir
    Path dir;

    /**
     * For each format, llama.cpp runs the quantized file and an F32 file holding Basalt's own dequantization of
     * the same bytes. If llama.cpp decoded the blocks differently from Basalt's codecs the logits (RMS about 4)
     * would differ by units; what remains is llama.cpp's rounding of activations before its matrix products.
     * Measured maximum differences over 8 prompt rows: F32 0 (same bytes), F16 0.005 (activations to F16),
     * BF16 0.056 (activations to BF16), Q8_0 0.15, Q4_0 0.28, Q4_1 0.17, Q5_0 0.18, Q5_1 0.19, IQ4_NL 0.16
     * (activations to Q8_0), Q2_K 0.27, Q3_K 0.20, Q4_K 0.24, Q5_K 0.25, Q6_K 0.23, IQ4_XS 0.21 (activations to
     * Q8_K), TQ1_0 / TQ2_0 0.23.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1",
            "IQ4_NL", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_XS", "TQ1_0", "TQ2_0"})
    void llamaCppDecodesEveryWeightFormatAsBasaltDoes(GgmlType type) throws Exception {
        int dim = type.blockSize() == 256 ? 256 : 64; // K-quant and IQ4_XS rows are whole super-blocks of 256
        SyntheticLlama.Spec spec = SyntheticLlama.Spec.llama(dim, 2, 4, 2, 3 * dim / 2 + 8, 320).withWeightType(type);
        Path quantized = dir.resolve("q.gguf");
        Path twin = dir.resolve("dequantized.gguf");
        SyntheticLlama.write(spec, quantized);
        SyntheticLlama.writeDequantized(spec, twin);
        try (GgufFile file = GgufFile.open(quantized)) {
            assertEquals(type, file.tensor("blk.0.attn_q.weight").type());
            assertEquals(GgmlType.F32, file.tensor("blk.0.attn_norm.weight").type());
        }

        float[][] a;
        float[][] b;
        try (LlamaCppOracle oracle = LlamaCppOracle.open(quantized, 64)) {
            assertEquals(320, oracle.vocabSize());
            a = oracle.promptLogits(PROMPT);
            assertFinite(oracle.decodeOne(5), type + " decodeOne");
        }
        try (LlamaCppOracle oracle = LlamaCppOracle.open(twin, 64)) {
            b = oracle.promptLogits(PROMPT);
        }
        double max = 0;
        for (int r = 0; r < a.length; r++) {
            assertFinite(a[r], type + " row " + r);
            for (int i = 0; i < a[r].length; i++) {
                max = Math.max(max, Math.abs(a[r][i] - b[r][i]));
            }
        }
        double tolerance = switch (type) {
            case F32 -> 0;
            case F16 -> 0.02;
            case BF16 -> 0.2;
            default -> 0.6;
        };
        System.out.printf(Locale.ROOT, "llama.cpp %-6s file vs Basalt-dequantized F32 file: max |logit diff| %.3g%n",
                type, max);
        assertTrue(max <= tolerance, type + ": " + max + " > " + tolerance);
    }

    @Test
    void llamaCppRunsRandomShapes() throws Exception {
        GgmlType[] blockOf32 = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1,
                GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.IQ4_NL};
        SplittableRandom random = new SplittableRandom(2024);
        List<SyntheticLlama.Spec> specs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int headDim;
            int heads;
            do { // legacy formats need rows of whole 32-value blocks
                headDim = new int[] {8, 16, 32, 64}[random.nextInt(4)];
                heads = 1 + random.nextInt(6);
            } while (heads * headDim % 32 != 0);
            int dim = heads * headDim;
            int kvHeads;
            do {
                kvHeads = 1 + random.nextInt(heads);
            } while (heads % kvHeads != 0);
            int ffn = 17 + random.nextInt(280);
            int vocab = SyntheticLlama.FIXED_TOKENS + 1 + random.nextInt(400);
            SyntheticLlama.Spec spec = SyntheticLlama.Spec.llama(dim, 1 + random.nextInt(3), heads, kvHeads, ffn, vocab)
                    .withWeightType(blockOf32[random.nextInt(blockOf32.length)])
                    .withTied(random.nextBoolean())
                    .withRope(headDim, new float[] {10000f, 500000f, 1e6f}[random.nextInt(3)])
                    .withSeed(random.nextLong());
            specs.add(spec);
        }
        for (SyntheticLlama.Spec spec : specs) {
            Path file = dir.resolve("random.gguf");
            SyntheticLlama.write(spec, file);
            try (LlamaCppOracle oracle = LlamaCppOracle.open(file, 32)) {
                assertEquals(spec.vocabSize(), oracle.vocabSize(), spec.toString());
                int[] prompt = oracle.tokenize("a b ab", true, false);
                assertEquals(1, prompt[0], "BOS first: " + spec);
                LlamaCppOracle.Greedy run = oracle.run(prompt, 4);
                for (float[] row : run.rows()) {
                    assertFinite(row, spec.toString());
                }
            }
        }
    }

    @Test
    void rowsThatAreNotWholeBlocksFallBackToF16() throws Exception {
        SyntheticLlama.Spec spec = SyntheticLlama.Spec.llama(64, 1, 4, 4, 172, 300).withWeightType(GgmlType.Q8_0);
        Path file = dir.resolve("odd-ffn.gguf");
        SyntheticLlama.write(spec, file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(GgmlType.Q8_0, gguf.tensor("blk.0.ffn_up.weight").type());
            assertEquals(GgmlType.F16, gguf.tensor("blk.0.ffn_down.weight").type()); // rows of 172
            assertArrayEquals(new long[] {172, 64}, gguf.tensor("blk.0.ffn_down.weight").shape());
        }
        try (LlamaCppOracle oracle = LlamaCppOracle.open(file, 16)) {
            for (float[] row : oracle.promptLogits(new int[] {1, 270, 280})) {
                assertFinite(row, "odd ffn");
            }
        }
    }

    @Test
    void llamaCppRefusesPartialRotaryForTheLlamaArchitecture() throws Exception {
        SyntheticLlama.Spec spec = SyntheticLlama.Spec.llama(64, 1, 2, 1, 64, 300).withRope(16, 10000f);
        Path file = dir.resolve("partial-rope.gguf");
        SyntheticLlama.write(spec, file);
        LlamaCppException e = assertThrows(LlamaCppException.class, () -> LlamaCppOracle.open(file, 16));
        assertTrue(e.getMessage().contains("n_rot"), e.getMessage());
    }

    @Test
    void theVocabularyHasDistinctPiecesAndTheSentencePieceLayout() {
        String[] v = SyntheticLlama.vocabulary(1000);
        assertEquals(1000, new HashSet<>(Arrays.asList(v)).size());
        assertEquals("<unk>", v[0]);
        assertEquals("<s>", v[1]);
        assertEquals("</s>", v[2]);
        assertEquals("<0x00>", v[3]);
        assertEquals("<0xFF>", v[258]);
        assertEquals("\u2581", v[259]);
    }

    private static void assertFinite(float[] row, String what) {
        for (int i = 0; i < row.length; i++) {
            assertTrue(Float.isFinite(row[i]), what + ": logit " + i + " is " + row[i]);
        }
    }
}
