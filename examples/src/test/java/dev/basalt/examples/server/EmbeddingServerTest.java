package dev.basalt.examples.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.engine.EmbeddingOptions;
import dev.basalt.engine.Model;
import dev.basalt.engine.ModelOptions;
import dev.basalt.engine.Pooling;
import dev.basalt.tensor.TestData;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * {@code /v1/embeddings} and {@code /v1/rerank} on loopback servers of the embed test models: LangChain4j's OpenAI
 * embedding model as a real client, raw HTTP for base64, token inputs, the rerank shape and every 400. Vectors must
 * be exactly the library's (JSON carries each float32 in its shortest round-tripping form).
 */
@Tag("testdata")
class EmbeddingServerTest {
    static final String KEY = "embed-key";
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> TEXTS = List.of("hello world", "paris is the capital of france.", "the cat sat on the mat.");

    static Model bert;
    static Model reranker;
    static Model stories;
    static OpenAiServer embedServer;
    static OpenAiServer rerankServer;
    static OpenAiServer storiesServer;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws IOException {
        ModelOptions one = ModelOptions.defaults().withThreads(1);
        bert = Model.load(TestData.path("embed", "bert-cls-F32.gguf"), one);
        reranker = Model.load(TestData.path("embed", "bert-rerank-F32.gguf"), one);
        stories = Model.load(Path.of("../models/stories260K.gguf"), one);
        ServerOptions local = ServerOptions.defaults("m").withAddress("127.0.0.1", 0).withConcurrency(2, 2);
        embedServer = OpenAiServer.start(bert, null, local.withModelId("bert").withApiKey(KEY));
        rerankServer = OpenAiServer.start(reranker, null, local.withModelId("rerank"));
        storiesServer = OpenAiServer.start(stories, null, local.withModelId("stories260K").withContextLength(64));
    }

    @AfterAll
    static void stop() {
        embedServer.close();
        rerankServer.close();
        storiesServer.close();
        bert.close();
        reranker.close();
        stories.close();
    }

    static HttpResponse<String> post(OpenAiServer server, String path, String body, String key)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(HttpResponse<String> r) throws IOException {
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static float[][] normalized(List<String> texts) {
        return bert.embedder(EmbeddingOptions.defaults().withNormalize(true)).embed(texts);
    }

    @Test
    void langChain4jEmbeddingModelGetsTheLibrarysNormalizedVectors() {
        OpenAiEmbeddingModel client = OpenAiEmbeddingModel.builder().baseUrl("http://127.0.0.1:" + embedServer.port() + "/v1")
                .apiKey(KEY).modelName("bert").build();
        Response<List<Embedding>> r = client.embedAll(TEXTS.stream().map(TextSegment::from).toList());
        float[][] expected = normalized(TEXTS);
        assertEquals(TEXTS.size(), r.content().size());
        for (int i = 0; i < TEXTS.size(); i++) {
            assertArrayEquals(expected[i], r.content().get(i).vector(), "text " + i);
        }
        int tokens = TEXTS.stream().mapToInt(t -> bert.embedder(EmbeddingOptions.defaults()).tokenize(t).length).sum();
        assertEquals(tokens, r.tokenUsage().inputTokenCount());
    }

    @Test
    void base64AndTokenInputs() throws Exception {
        JsonNode b64 = ok(post(embedServer, "/v1/embeddings",
                "{\"model\":\"bert\",\"input\":\"hello world\",\"encoding_format\":\"base64\"}", KEY));
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(b64.at("/data/0/embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] decoded = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(decoded);
        assertArrayEquals(normalized(List.of("hello world"))[0], decoded);
        assertEquals("list", b64.get("object").asText());
        assertEquals("embedding", b64.at("/data/0/object").asText());

        int[] ids = bert.embedder(EmbeddingOptions.defaults()).tokenize("hello world");
        JsonNode tokens = ok(post(embedServer, "/v1/embeddings", "{\"model\":\"bert\",\"input\":[" + join(ids) + "]}", KEY));
        JsonNode nested = ok(post(embedServer, "/v1/embeddings", "{\"model\":\"bert\",\"input\":[[" + join(ids) + "],\"hello world\"]}", KEY));
        for (JsonNode v : List.of(tokens.at("/data/0/embedding"), nested.at("/data/0/embedding"), nested.at("/data/1/embedding"))) {
            float[] f = new float[v.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = v.get(i).floatValue();
            }
            assertArrayEquals(decoded, f);
        }
        assertEquals(2 * ids.length, nested.at("/usage/prompt_tokens").asInt());
        assertEquals(2 * ids.length, nested.at("/usage/total_tokens").asInt());
    }

    private static String join(int[] ids) {
        return String.join(",", java.util.Arrays.stream(ids).mapToObj(Integer::toString).toList());
    }

    @Test
    void badEmbeddingRequestsAreClear400s() throws Exception {
        assertEquals("input", error(embedServer, "{\"model\":\"bert\",\"input\":[]}").get("param").asText());
        JsonNode notString = error(embedServer, "{\"model\":\"bert\",\"input\":[\"a\", {\"text\": \"b\"}]}");
        assertEquals("input[1]", notString.get("param").asText());
        assertTrue(notString.get("message").asText().contains("element 1 is object"), notString.toString());
        assertEquals("input", error(embedServer, "{\"model\":\"bert\",\"input\":42}").get("param").asText());
        JsonNode range = error(embedServer, "{\"model\":\"bert\",\"input\":[101, 625, 102]}");
        assertTrue(range.get("message").asText().contains("[0, 625); element 1 is 625"), range.toString());
        assertEquals("encoding_format",
                error(embedServer, "{\"model\":\"bert\",\"input\":\"a\",\"encoding_format\":\"hex\"}").get("param").asText());
        JsonNode tooLong = error(embedServer, "{\"model\":\"bert\",\"input\":\"" + "word ".repeat(300) + "\"}");
        assertEquals("context_length_exceeded", tooLong.get("code").asText());
        assertTrue(tooLong.get("message").asText().contains("maximum input length is 256 tokens"), tooLong.toString());
        JsonNode chat = error(embedServer, "/v1/chat/completions", "{\"model\":\"bert\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertTrue(chat.get("message").asText().contains("is an embedding model"), chat.toString());
        JsonNode rerank = error(embedServer, "/v1/rerank", "{\"model\":\"bert\",\"query\":\"q\",\"documents\":[\"d\"]}");
        assertTrue(rerank.get("message").asText().contains("not a reranker"), rerank.toString());
        assertEquals(401, post(embedServer, "/v1/embeddings", "{\"model\":\"bert\",\"input\":\"a\"}", null).statusCode());
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + embedServer.port() + "/metrics"))
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("basalt_requests_total{endpoint=\"/v1/embeddings\"}"), metrics);
        assertTrue(metrics.contains("basalt_errors_total{status=\"400\"}"), metrics);
    }

    @Test
    void rerankRanksLikeTheLibrary() throws Exception {
        List<String> docs = List.of("paris is the capital and largest city of france.", "the cat sat on the mat.",
                "berlin is the capital of germany.", "france is a country in europe.");
        String query = "what is the capital of france?";
        float[] scores = reranker.rerank(query, docs);
        JsonNode r = ok(post(rerankServer, "/v1/rerank", JSON.writeValueAsString(java.util.Map.of("model", "rerank",
                "query", query, "documents", docs, "top_n", 3, "return_documents", true)), null));
        JsonNode results = r.get("results");
        assertEquals(3, results.size());
        for (int k = 0; k < results.size(); k++) {
            int i = results.get(k).get("index").asInt();
            assertEquals(scores[i], results.get(k).get("relevance_score").floatValue());
            assertEquals(docs.get(i), results.get(k).at("/document/text").asText());
            if (k > 0) {
                assertTrue(results.get(k - 1).get("relevance_score").asDouble() >= results.get(k).get("relevance_score").asDouble());
            }
        }
        assertTrue(r.at("/usage/prompt_tokens").asInt() > 0);
        assertEquals("documents", error(rerankServer, "/v1/rerank", "{\"model\":\"rerank\",\"query\":\"q\",\"documents\":[]}")
                .get("param").asText());
        assertEquals("documents", error(rerankServer, "/v1/rerank", "{\"model\":\"rerank\",\"query\":\"q\",\"documents\":[1]}")
                .get("param").asText());
        assertEquals("query", error(rerankServer, "/v1/rerank", "{\"model\":\"rerank\",\"documents\":[\"d\"]}").get("param").asText());
        JsonNode embed = error(rerankServer, "/v1/embeddings", "{\"model\":\"rerank\",\"input\":\"a\"}");
        assertTrue(embed.get("message").asText().contains("is a reranker"), embed.toString());
    }

    /** A generative model without pooling: embeddings are a 400 that says how to get them; with a pooling they work. */
    @Test
    void modelWithoutPoolingRefusesEmbeddingsUntilGivenOne() throws Exception {
        JsonNode e = error(storiesServer, "/v1/embeddings", "{\"model\":\"stories260K\",\"input\":\"Once upon a time\"}");
        assertEquals("model", e.get("param").asText());
        assertTrue(e.get("message").asText().contains("has no pooling") && e.get("message").asText().contains("--pooling"),
                e.toString());
        try (OpenAiServer mean = OpenAiServer.start(stories, null, ServerOptions.defaults("stories260K")
                .withAddress("127.0.0.1", 0).withContextLength(64).withPooling(Pooling.MEAN))) {
            JsonNode v = ok(post(mean, "/v1/embeddings", "{\"model\":\"stories260K\",\"input\":\"Once upon a time\"}", null));
            assertEquals(stories.config().embeddingLength(), v.at("/data/0/embedding").size());
            ok(post(mean, "/v1/completions", "{\"model\":\"stories260K\",\"prompt\":\"Once\",\"max_tokens\":2}", null));
        }
    }

    static JsonNode error(OpenAiServer server, String body) throws Exception {
        return error(server, "/v1/embeddings", body);
    }

    static JsonNode error(OpenAiServer server, String path, String body) throws Exception {
        return OpenAiServerTest.error(post(server, path, body, server == embedServer ? KEY : null), 400);
    }
}
