package dev.basalt.examples;

import static dev.basalt.examples.InspectCommandTest.basalt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.EmbeddingOptions;
import dev.basalt.engine.Model;
import dev.basalt.engine.ModelOptions;
import dev.basalt.tensor.TestData;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code basalt embed} and {@code basalt rerank} print exactly what the library computes. */
@Tag("testdata")
class EmbedCommandTest {
    static final String BERT = TestData.path("embed", "bert-cls-F32.gguf").toString();
    static final String RERANKER = TestData.path("embed", "bert-rerank-F32.gguf").toString();

    @Test
    void embedPrintsOneVectorPerLine() throws IOException {
        InspectCommandTest.Result r = basalt("embed", "--model", BERT, "--threads", "1", "--normalize", "hello world", "a cat");
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length);
        try (Model m = Model.load(java.nio.file.Path.of(BERT), ModelOptions.defaults().withThreads(1))) {
            float[][] expected = m.embedder(EmbeddingOptions.defaults().withNormalize(true)).embed(List.of("hello world", "a cat"));
            for (int i = 0; i < 2; i++) {
                String[] values = lines[i].split(" ");
                float[] got = new float[values.length];
                for (int j = 0; j < got.length; j++) {
                    got[j] = Float.parseFloat(values[j]);
                }
                assertArrayEquals(expected[i], got, "line " + i);
            }
        }
    }

    @Test
    void embedJsonAndPerTokenPooling() throws IOException {
        InspectCommandTest.Result r = basalt("embed", "--model", BERT, "--threads", "1", "--pooling", "none", "--json", "hello world");
        assertEquals(0, r.status(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals("none", root.get("pooling").asText());
        assertEquals(4, root.at("/data/0/tokens").asInt(), "[CLS] hello world [SEP]");
        assertEquals(4, root.at("/data/0/embedding").size());
        assertEquals(128, root.at("/data/0/embedding/0").size());
    }

    @Test
    void rerankPrintsDocumentsBestFirst() throws IOException {
        List<String> docs = List.of("the cat sat on the mat.", "paris is the capital and largest city of france.");
        String query = "what is the capital of france?";
        InspectCommandTest.Result r = basalt("rerank", "--model", RERANKER, "--threads", "1", "--query", query, docs.get(0), docs.get(1));
        assertEquals(0, r.status(), r.err());
        String[] lines = r.out().strip().split("\n");
        try (Model m = Model.load(java.nio.file.Path.of(RERANKER), ModelOptions.defaults().withThreads(1))) {
            float[] scores = m.rerank(query, docs);
            int best = scores[0] > scores[1] ? 0 : 1;
            assertEquals(best + "\t" + String.format(java.util.Locale.ROOT, "%.6f", scores[best]) + "\t" + docs.get(best), lines[0]);
            assertEquals(2, lines.length, Arrays.toString(lines));
        }
    }

    @Test
    void mistakesAreOneLine() {
        InspectCommandTest.Result noQuery = basalt("rerank", "--model", RERANKER, "doc");
        assertEquals(2, noQuery.status());
        assertTrue(noQuery.err().startsWith("basalt rerank: which query?"), noQuery.err());
        InspectCommandTest.Result wrongModel = basalt("embed", "--model", RERANKER, "text");
        assertEquals(1, wrongModel.status());
        assertEquals(1, wrongModel.err().strip().lines().count(), wrongModel.err());
        assertTrue(wrongModel.err().contains("a reranker scores query/document pairs"), wrongModel.err());
        InspectCommandTest.Result pooling = basalt("embed", "--model", BERT, "--pooling", "max", "text");
        assertEquals(2, pooling.status());
        assertTrue(pooling.err().startsWith("basalt embed: unknown pooling 'max'"), pooling.err());
        InspectCommandTest.Result generate = basalt("run", "--model", BERT, "--prompt", "hi");
        assertEquals(1, generate.status());
        assertTrue(generate.err().contains("is an embedding model"), generate.err());
    }
}
