package dev.basalt.examples.server;

import dev.basalt.engine.Pooling;

/**
 * How an {@link OpenAiServer} listens and how much it takes on.
 *
 * @param host the address to bind; {@code 127.0.0.1} keeps it to this machine
 * @param port 0 = any free port ({@link OpenAiServer#port()} tells which)
 * @param apiKey the bearer token every request but {@code /health} must carry; null = no authentication
 * @param parallel requests generating at once, each in its own session (KV cache)
 * @param queue requests that may wait for a session; beyond that, 429 with {@code Retry-After}
 * @param contextLength positions of each session's KV cache; 0 = the model's own, capped so that all
 *     {@code parallel} caches fit {@code kvCacheBudgetBytes}
 * @param kvCacheBudgetBytes the most all sessions' KV caches may take together
 * @param maxBodyBytes the largest request body accepted (413 beyond)
 * @param modelId the name clients use for the model in {@code "model"}
 * @param pooling the pooling of {@code /v1/embeddings}; null = the one the model's file declares
 * @param normalizeEmbeddings L2-normalize embeddings (what OpenAI clients expect; llama.cpp's server does it too)
 */
public record ServerOptions(String host, int port, String apiKey, int parallel, int queue, int contextLength,
        long kvCacheBudgetBytes, long maxBodyBytes, String modelId, Pooling pooling, boolean normalizeEmbeddings) {

    private static final String DEFAULT_HOST = "127.0.0.1";
    private static final int DEFAULT_PORT = 8080;
    private static final long DEFAULT_KV_CACHE_BUDGET = 4L << 30;
    private static final long DEFAULT_MAX_BODY = 1 << 20;

    public ServerOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("the host must be named, e.g. 127.0.0.1");
        }
        check(port >= 0 && port <= 65535, "port must be in 0..65535, got " + port);
        check(apiKey == null || !apiKey.isBlank(), "the API key must not be blank");
        check(parallel >= 1, "parallel must be at least 1, got " + parallel);
        check(queue >= 0, "queue must be >= 0, got " + queue);
        check(contextLength >= 0, "context length must be 0 (the model's) or positive, got " + contextLength);
        check(kvCacheBudgetBytes > 0, "the KV cache budget must be positive, got " + kvCacheBudgetBytes);
        check(maxBodyBytes > 0, "the body limit must be positive, got " + maxBodyBytes);
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("the model id must not be blank");
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Defaults for serving {@code modelId}: loopback, port 8080, no key, 1 slot, 8 waiting, 1 MiB bodies. */
    public static ServerOptions defaults(String modelId) {
        return new ServerOptions(DEFAULT_HOST, DEFAULT_PORT, null, 1, 8, 0, DEFAULT_KV_CACHE_BUDGET, DEFAULT_MAX_BODY, modelId,
                null, true);
    }

    public ServerOptions withAddress(String host, int port) {
        return new ServerOptions(host, port, apiKey, parallel, queue, contextLength, kvCacheBudgetBytes, maxBodyBytes, modelId, pooling, normalizeEmbeddings);
    }

    public ServerOptions withApiKey(String key) {
        return new ServerOptions(host, port, key, parallel, queue, contextLength, kvCacheBudgetBytes, maxBodyBytes, modelId, pooling, normalizeEmbeddings);
    }

    public ServerOptions withConcurrency(int parallelRequests, int queuedRequests) {
        return new ServerOptions(host, port, apiKey, parallelRequests, queuedRequests, contextLength, kvCacheBudgetBytes,
                maxBodyBytes, modelId, pooling, normalizeEmbeddings);
    }

    public ServerOptions withContextLength(int positions) {
        return new ServerOptions(host, port, apiKey, parallel, queue, positions, kvCacheBudgetBytes, maxBodyBytes, modelId, pooling, normalizeEmbeddings);
    }

    public ServerOptions withKvCacheBudget(long bytes) {
        return new ServerOptions(host, port, apiKey, parallel, queue, contextLength, bytes, maxBodyBytes, modelId, pooling, normalizeEmbeddings);
    }

    public ServerOptions withMaxBodyBytes(long bytes) {
        return new ServerOptions(host, port, apiKey, parallel, queue, contextLength, kvCacheBudgetBytes, bytes, modelId, pooling, normalizeEmbeddings);
    }

    public ServerOptions withPooling(Pooling p) {
        return new ServerOptions(host, port, apiKey, parallel, queue, contextLength, kvCacheBudgetBytes, maxBodyBytes, modelId,
                p, normalizeEmbeddings);
    }

    public ServerOptions withEmbeddingNormalization(boolean normalize) {
        return new ServerOptions(host, port, apiKey, parallel, queue, contextLength, kvCacheBudgetBytes, maxBodyBytes, modelId,
                pooling, normalize);
    }

    public ServerOptions withModelId(String id) {
        return new ServerOptions(host, port, apiKey, parallel, queue, contextLength, kvCacheBudgetBytes, maxBodyBytes, id,
                pooling, normalizeEmbeddings);
    }
}
