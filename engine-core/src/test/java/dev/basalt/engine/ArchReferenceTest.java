package dev.basalt.engine;

import static dev.basalt.engine.LlamaCppReferenceTest.argmax;
import static dev.basalt.engine.LlamaCppReferenceTest.compare;
import static dev.basalt.engine.LlamaCppReferenceTest.doubles;
import static dev.basalt.engine.LlamaCppReferenceTest.floats;
import static dev.basalt.engine.LlamaCppReferenceTest.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model of {@code ../shared/testdata/archs} (six families: llama with Llama 3.1 RoPE factors, qwen2, qwen3,
 * phi3, gemma2, gemma3; each in F32, F16, Q8_0, Q4_K_M) against the logits llama.cpp computed on it. For both
 * prompts: the text prompt tokenizes to llama.cpp's ids; the prompt goes in as one batch (logits at every position:
 * batched prefill), then llama.cpp's 16 greedy tokens one at a time; every row must be within the tolerance of
 * llama.cpp's, and the greedy argmax must pick llama.cpp's token up to the first near-tie. Prompt B (40 tokens) is
 * longer than the sliding window (16) of gemma2 and gemma3, so their windowed layers are exercised: without the
 * window their logits move by 20-27 (the README's sensitivities), far beyond the tolerance.
 */
@Tag("testdata")
class ArchReferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> models() throws IOException {
        try (Stream<Path> files = Files.list(TestData.path("archs"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length())).sorted().toList().stream();
        }
    }

    /**
     * Largest allowed max |Δ| of a row as a fraction of its logit range (llama.cpp's max - min, 15-40 here).
     * Measured worst rows are in docs/adding-a-family.md; each bound leaves headroom over them.
     *
     * <ul>
     * <li>F32, F16: 1e-3, as in {@link LlamaCppReferenceTest}: the same float32 operations (activations rounded to
     * F16 before F16 products, GELU through ggml's float16 table), only summation order differs.</li>
     * <li>Q8_0, Q4_K_M: 2e-2. Activations are quantized as ggml does, but a last-bit summation difference can move
     * one activation across a rounding boundary, which then propagates through later layers and the KV cache (see
     * {@link LlamaCppReferenceTest#tolerance}); Gemma's sharp soft-capped attention amplifies such flips most.
     * Row 0 of both prompts, which passes through every weight matrix before any flip can reach the KV cache,
     * must in addition be within {@link LlamaCppReferenceTest#EXACT} (measured: at most ~1.5e-7), so that a wrong
     * kernel or activation quantizer cannot hide in the wider bound.</li>
     * </ul>
     */
    static double tolerance(String model) {
        return model.contains("-Q") ? 2e-2 : 1e-3;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void matchesLlamaCpp(String name) throws IOException {
        Path dir = TestData.path("archs");
        JsonNode json = reference(name);
        try (Model m = Model.load(dir.resolve(json.get("model_file").asText()),
                ModelOptions.defaults().withContextLength(512))) {
            assertMatchesReference(m, name, json, true);
        }
    }

    /** The reference JSON of an archs model, e.g. {@code llama-F32}. */
    static JsonNode reference(String name) throws IOException {
        return JSON.readTree(TestData.path("archs", name + ".json").toFile());
    }

    /**
     * {@code m} against the archs reference {@code json} (of model {@code name}, whose format sets the tolerance): the
     * text prompts' token ids when {@code checkTokens}, then every logit row and the greedy tokens.
     */
    static void assertMatchesReference(Model m, String name, JsonNode json, boolean checkTokens) throws IOException {
        int vocab = json.get("n_vocab").asInt();
        float[] expected = floats(TestData.path("archs", json.get("logits_file").asText()));
        double tol = tolerance(name);
        assertEquals(json.get("family").asText(), m.family().architecture());
        assertEquals(vocab, m.config().vocabSize());
        for (JsonNode p : json.get("prompts")) {
            int[] prompt = ints(p.get("prompt_ids"));
            if (checkTokens && p.get("kind").asText().equals("text")) {
                assertArrayEquals(prompt, m.tokenizer().encode(p.get("text").asText(),
                        p.get("tokenize_add_special").asBoolean(), p.get("tokenize_parse_special").asBoolean()),
                        name + " prompt " + p.get("name").asText() + ": token ids");
            }
            runPrompt(m, name + " prompt " + p.get("name").asText(), prompt, ints(p.get("generated_ids")),
                    expected, p.get("row_offset").asInt(), doubles(p.get("row_top1_top2_gap")), vocab, tol,
                    name.contains("-Q"));
        }
    }

    private static void runPrompt(Model m, String what, int[] prompt, int[] generated, float[] expected, int rowOffset,
            double[] gaps, int vocab, double tol, boolean quantized) {
        double worst = 0;
        int worstRow = -1;
        boolean tokensComparable = true;
        int tokensChecked = 0;
        try (InferenceSession s = m.newSession()) {
            float[] logits = s.forward(prompt, true);
            for (int r = 0; r < prompt.length + generated.length; r++) {
                float[] row = r < prompt.length ? Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab)
                        : s.forward(new int[] {generated[r - prompt.length]}, false);
                double[] cmp = compare(expected, (rowOffset + r) * vocab, row, vocab);
                double rel = cmp[0] / cmp[1];
                if (rel > worst) {
                    worst = rel;
                    worstRow = r;
                }
                if (r == 0 && quantized) {
                    assertTrue(rel <= LlamaCppReferenceTest.EXACT, what + " row 0: max |Δ| " + rel
                            + " of the range, allowed " + LlamaCppReferenceTest.EXACT);
                }
                assertTrue(rel <= tol, what + " row " + r + ": max |Δ| " + cmp[0] + " = " + rel
                        + " of the row's range " + cmp[1] + ", allowed " + tol);
                int k = r - (prompt.length - 1); // this row chose generated[k]
                if (k >= 0 && k < generated.length && tokensComparable) {
                    if (gaps[r] <= 2 * cmp[0]) {
                        tokensComparable = false; // a near-tie: either token is right, and the contexts differ after it
                    } else {
                        assertEquals(generated[k], argmax(row), what + ": greedy token " + k + " (row " + r + ")");
                        tokensChecked++;
                    }
                }
            }
        }
        System.out.printf("ARCH %-28s worst row %3d: max|Δ| = %.3g of the logit range; greedy tokens checked %d/%d%n",
                what, worstRow, worst, tokensChecked, generated.length);
    }
}
