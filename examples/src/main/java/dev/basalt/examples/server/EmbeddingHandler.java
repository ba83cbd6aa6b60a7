package dev.basalt.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.basalt.engine.Embedder;
import dev.basalt.engine.InputTooLongException;
import dev.basalt.engine.Pooling;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * {@code POST /v1/embeddings} in OpenAI's shape and {@code POST /v1/rerank} in the shape llama.cpp's server and Jina
 * use. A request takes a slot like a generation (so both count against the same limits), embeds or scores all its
 * inputs in packed batches, and answers with {@code usage}.
 */
final class EmbeddingHandler {
    private final Embedder embedder;
    private final String withoutEmbedder;
    private final SlotPool slots;
    private final ServerMetrics metrics;
    private final String modelId;

    /**
     * @param embedder the model's embedder, or null when it has no pooling
     * @param withoutEmbedder why there is none, for the 400 answer
     */
    EmbeddingHandler(Embedder embedder, String withoutEmbedder, SlotPool slots, ServerMetrics metrics, String modelId) {
        this.embedder = embedder;
        this.withoutEmbedder = withoutEmbedder;
        this.slots = slots;
        this.metrics = metrics;
        this.modelId = modelId;
    }

    void embeddings(HttpExchange exchange, JsonNode body) throws IOException {
        ModelField.check(body, modelId);
        if (embedder == null) {
            throw ApiError.invalid("model", withoutEmbedder);
        }
        if (embedder.pooling() == Pooling.RANK) {
            throw ApiError.invalid("model", "the model '" + modelId + "' is a reranker: it scores query/document pairs "
                    + "(POST /v1/rerank) and gives no embeddings");
        }
        boolean base64 = encodingFormat(body.get("encoding_format"));
        JsonNode dimensions = body.get("dimensions");
        if (dimensions != null && !dimensions.isNull()
                && !(dimensions.canConvertToExactIntegral() && dimensions.asInt() == embedder.dimension())) {
            throw ApiError.unsupported("dimensions", "'dimensions' can only be this model's " + embedder.dimension()
                    + " (it has no shortened embeddings), got " + dimensions);
        }
        List<int[]> inputs = inputs(body.get("input"));
        float[][] vectors = run(inputs, "input", embedder::embedTokens);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < vectors.length; i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) {
                item.put("embedding", base64(vectors[i]));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float v : vectors[i]) {
                    values.add(v);
                }
            }
        }
        out.put("model", modelId);
        out.set("usage", usage(inputs));
        JsonHttp.send(exchange, 200, out);
    }

    void rerank(HttpExchange exchange, JsonNode body) throws IOException {
        ModelField.check(body, modelId);
        if (embedder == null || embedder.pooling() != Pooling.RANK) {
            throw ApiError.invalid("model", "the model '" + modelId + "' is not a reranker (it has no classification head "
                    + "with rank pooling): POST /v1/rerank needs a cross-encoder such as a BERT reranker");
        }
        JsonNode query = body.get("query");
        if (query == null || !query.isTextual()) {
            throw ApiError.invalid("query", "'query' must be a string");
        }
        JsonNode documents = body.get("documents");
        if (documents == null || !documents.isArray() || documents.isEmpty()) {
            throw ApiError.invalid("documents", "'documents' must be a non-empty list of strings");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            if (!documents.get(i).isTextual()) {
                throw ApiError.invalid("documents", "'documents' must be a list of strings; element " + i + " is "
                        + documents.get(i).getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
            }
            texts.add(documents.get(i).asText());
        }
        int topN = texts.size();
        JsonNode top = body.get("top_n");
        if (top != null && !top.isNull()) {
            if (!top.canConvertToExactIntegral() || top.asLong() < 1) {
                throw ApiError.invalid("top_n", "'top_n' must be a positive integer, got " + top);
            }
            topN = (int) Math.min(topN, top.asLong());
        }
        boolean withDocuments = body.path("return_documents").asBoolean(false);
        List<int[]> pairs = texts.stream().map(d -> embedder.pairTokens(query.asText(), d)).toList();
        float[] scores = run(pairs, "documents", embedder::rerankTokens);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("model", modelId);
        out.put("object", "list");
        out.set("usage", usage(pairs));
        ArrayNode results = out.putArray("results");
        IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> scores[i]).reversed())
                .limit(topN)
                .forEach(i -> {
                    ObjectNode r = results.addObject();
                    r.put("index", i);
                    r.put("relevance_score", scores[i]);
                    if (withDocuments) {
                        r.putObject("document").put("text", texts.get(i));
                    }
                });
        JsonHttp.send(exchange, 200, out);
    }

    /** Runs {@code work} in a slot; an input over the model's limit is the client's error. */
    private <T> T run(List<int[]> inputs, String param, Function<List<int[]>, T> work) {
        Slot slot = slots.acquire(null);
        try {
            T result = work.apply(inputs);
            metrics.embedded(inputs.size(), inputs.stream().mapToLong(ids -> ids.length).sum());
            return result;
        } catch (InputTooLongException e) {
            throw ApiError.contextLengthExceeded(param, "This model's maximum input length is " + e.limit()
                    + " tokens. However, " + param + " " + e.index() + " has " + e.tokens() + " tokens. Please reduce its length.");
        } finally {
            slots.release(slot);
        }
    }

    private static boolean encodingFormat(JsonNode format) {
        if (format == null || format.isNull() || format.isTextual() && format.asText().equals("float")) {
            return false;
        }
        if (format.isTextual() && format.asText().equals("base64")) {
            return true;
        }
        throw ApiError.invalid("encoding_format", "'encoding_format' must be \"float\" or \"base64\", got " + format);
    }

    /**
     * OpenAI's {@code input}: a string, a list of strings, a list of token ids, or a list of such lists; each becomes
     * the ids to embed (strings with the model's special tokens, as llama.cpp's server adds them).
     */
    private List<int[]> inputs(JsonNode input) {
        String shape = "'input' must be a string, a list of strings, a list of token ids or a list of token id lists";
        if (input == null || input.isNull()) {
            throw ApiError.invalid("input", shape + "; it is missing");
        }
        if (input.isTextual()) {
            return List.of(text(input, "input"));
        }
        if (!input.isArray()) {
            throw ApiError.invalid("input", shape + "; got " + kind(input));
        }
        if (input.isEmpty()) {
            throw ApiError.invalid("input", "'input' must not be an empty list");
        }
        if (input.get(0).isNumber()) {
            return List.of(ids(input, "input"));
        }
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String param = "input[" + i + "]";
            if (item.isTextual()) {
                out.add(text(item, param));
            } else if (item.isArray()) {
                out.add(ids(item, param));
            } else {
                throw ApiError.invalid(param, shape + "; element " + i + " is " + kind(item));
            }
        }
        return out;
    }

    private int[] text(JsonNode text, String param) {
        if (text.asText().isEmpty()) {
            throw ApiError.invalid(param, "'" + param + "' must not be an empty string");
        }
        return embedder.tokenize(text.asText());
    }

    private int[] ids(JsonNode list, String param) {
        if (list.isEmpty()) {
            throw ApiError.invalid(param, "'" + param + "' must not be an empty list of token ids");
        }
        int vocab = embedder.vocabularySize();
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = list.get(i);
            if (!id.isNumber() || !id.canConvertToExactIntegral() || id.asLong() < 0 || id.asLong() >= vocab) {
                throw ApiError.invalid(param, "'" + param + "' must hold token ids in [0, " + vocab + "); element " + i
                        + " is " + id);
            }
            ids[i] = id.asInt();
        }
        return ids;
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " " + node;
    }

    /** Little-endian float32 bytes, as OpenAI's base64 encoding (what its Python client decodes with numpy). */
    private static String base64(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return Base64.getEncoder().encodeToString(b.array());
    }

    private static ObjectNode usage(List<int[]> inputs) {
        long tokens = inputs.stream().mapToLong(ids -> ids.length).sum();
        ObjectNode usage = JsonNodeFactory.instance.objectNode();
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        return usage;
    }
}
