package dev.basalt.examples.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.basalt.engine.ChatFormat;
import dev.basalt.engine.Embedder;
import dev.basalt.engine.EmbeddingOnlyModelException;
import dev.basalt.engine.EmbeddingOptions;
import dev.basalt.engine.Generator;
import dev.basalt.engine.GenerationOptions;
import dev.basalt.engine.IncompatiblePoolingException;
import dev.basalt.engine.Model;
import dev.basalt.engine.Pooling;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible HTTP server for one model, on the JDK's HTTP server: {@code GET /v1/models},
 * {@code POST /v1/chat/completions}, {@code POST /v1/completions} (streamed as Server-Sent Events or whole),
 * {@code POST /v1/embeddings}, {@code POST /v1/rerank}, {@code GET /health} and {@code GET /metrics} (Prometheus
 * text). Errors are OpenAI's error JSON. An embedding model (BERT, a declared pooling) serves embeddings or rerank
 * scores and answers generation requests with 400; a generative model serves embeddings when it is given a pooling.
 *
 * <p>{@link ServerOptions#parallel()} requests generate at once, each in its own session; up to
 * {@link ServerOptions#queue()} more wait; beyond that a request gets 429 with {@code Retry-After}. The server only
 * listens: it opens no connection of its own. {@link #close()} stops running generations at their next token,
 * turns waiting requests away with 503 and ends every thread it started; the model stays open (it is the caller's).
 */
public final class OpenAiServer implements AutoCloseable {
    /** Threads beyond the slots and the queue, so that health checks, metrics and 429s are answered at once. */
    private static final int SPARE_HTTP_THREADS = 8;
    private static final int STOP_GRACE_SECONDS = 5;

    private final HttpServer http;
    private final ExecutorService executor;
    private final SlotPool slots;
    private final ServerMetrics metrics;
    private final ServerOptions options;
    private final int contextLength;
    private final byte[] apiKey;
    private final long created = Instant.now().getEpochSecond();
    private volatile boolean closing;

    private OpenAiServer(Model model, ChatFormat chatFormat, Embedder embedder, ServerOptions options, int contextLength,
            HttpServer http, ExecutorService executor, SlotPool slots) {
        this.options = options;
        this.contextLength = contextLength;
        this.http = http;
        this.executor = executor;
        this.slots = slots;
        this.apiKey = options.apiKey() == null ? null : options.apiKey().getBytes(StandardCharsets.UTF_8);
        this.metrics = new ServerMetrics(slots.size(), slots::waiting, slots::active);
        CompletionHandler.Context context = new CompletionHandler.Context(model.tokenizer(), chatFormat, slots, metrics,
                options.modelId(), contextLength, () -> closing);
        CompletionHandler chat = new CompletionHandler(CompletionHandler.Kind.CHAT, context);
        CompletionHandler text = new CompletionHandler(CompletionHandler.Kind.TEXT, context);
        if (model.config().embeddingOnly()) {
            String refusal = new EmbeddingOnlyModelException(options.modelId(), model.config()).getMessage();
            Route refuse = ex -> {
                throw ApiError.invalid("model", refusal);
            };
            route("/v1/chat/completions", "POST", true, refuse);
            route("/v1/completions", "POST", true, refuse);
        } else {
            route("/v1/chat/completions", "POST", true, ex -> chat.handle(ex, JsonHttp.readJson(ex, options.maxBodyBytes())));
            route("/v1/completions", "POST", true, ex -> text.handle(ex, JsonHttp.readJson(ex, options.maxBodyBytes())));
        }
        EmbeddingHandler embeddings = new EmbeddingHandler(embedder, "the model '" + options.modelId() + "' has no pooling "
                + "(its file declares none), so it gives no embedding per text: restart the server with --pooling mean, cls "
                + "or last", slots, metrics, options.modelId());
        route("/v1/embeddings", "POST", true, ex -> embeddings.embeddings(ex, JsonHttp.readJson(ex, options.maxBodyBytes())));
        route("/v1/rerank", "POST", true, ex -> embeddings.rerank(ex, JsonHttp.readJson(ex, options.maxBodyBytes())));
        route("/v1/models", "GET", true, this::models);
        route("/health", "GET", false, this::health);
        route("/metrics", "GET", true, ex -> JsonHttp.sendText(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render()));
        route("/", null, true, ex -> {
            throw ApiError.notFound(ex.getRequestURI().getPath());
        });
    }

    /**
     * Allocates the slots' sessions and starts listening.
     *
     * @param chatFormat how chats are written for the model; null: the model has no template, and
     *     {@code /v1/chat/completions} answers 400 saying so
     * @throws IllegalArgumentException when the slots' KV caches do not fit {@link ServerOptions#kvCacheBudgetBytes()},
     *     or the options ask for rank pooling of a model without a classification head
     * @throws IOException when the address cannot be bound
     */
    public static OpenAiServer start(Model model, ChatFormat chatFormat, ServerOptions options) throws IOException {
        Embedder embedder = embedder(model, options);
        boolean generative = !model.config().embeddingOnly();
        int ctx = generative ? contextLength(model, options) : embedder.maxTokens();
        List<Slot> slots = new ArrayList<>();
        GenerationOptions unused = GenerationOptions.builder().build(); // every request brings its own options
        HttpServer http = null;
        ExecutorService executor = null;
        try {
            for (int i = 0; i < options.parallel(); i++) {
                slots.add(new Slot(generative ? model.newGenerator(unused, ctx) : null));
            }
            http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 0);
            int threads = options.parallel() + options.queue() + SPARE_HTTP_THREADS;
            AtomicInteger n = new AtomicInteger();
            executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "basalt-http-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            http.setExecutor(executor);
            OpenAiServer server = new OpenAiServer(model, chatFormat, embedder, options, ctx, http, executor,
                    new SlotPool(slots, options.queue()));
            http.start();
            return server;
        } catch (IOException | RuntimeException | Error e) {
            if (http != null) {
                http.stop(0);
            }
            if (executor != null) {
                executor.shutdownNow();
            }
            slots.stream().map(Slot::generator).filter(Objects::nonNull).forEach(Generator::close);
            throw e;
        }
    }

    /** The embedder of {@code /v1/embeddings} and {@code /v1/rerank}: null when neither file nor options give a pooling. */
    private static Embedder embedder(Model model, ServerOptions options) {
        Pooling pooling = options.pooling() != null ? options.pooling() : model.config().pooling();
        if (pooling == Pooling.NONE) {
            return null;
        }
        try {
            return model.embedder(EmbeddingOptions.defaults().withPooling(pooling).withNormalize(options.normalizeEmbeddings()));
        } catch (IncompatiblePoolingException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Each slot's context: the option, or the model's own capped so that every slot fits the budget. */
    private static int contextLength(Model model, ServerOptions options) {
        long perPosition = model.kvCacheBytes(1);
        long budgetPositions = options.kvCacheBudgetBytes() / options.parallel() / perPosition;
        int ctx = options.contextLength() > 0 ? options.contextLength()
                : (int) Math.min(model.config().contextLength(), budgetPositions);
        if (ctx > budgetPositions) {
            throw new IllegalArgumentException(options.parallel() + " slots of " + ctx + " positions need "
                    + options.parallel() * model.kvCacheBytes(ctx) + " bytes of KV cache, more than the budget of "
                    + options.kvCacheBudgetBytes() + " bytes: lower the context length or the parallel slots, or raise the budget");
        }
        return ctx;
    }

    /** The port the server listens on (the chosen one when the options said 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /**
     * Positions of each slot's KV cache: the longest prompt plus completion a request may have; for an embedding
     * model, the longest input.
     */
    public int contextLength() {
        return contextLength;
    }

    public ServerOptions options() {
        return options;
    }

    @FunctionalInterface
    private interface Route {
        void handle(HttpExchange exchange) throws IOException;
    }

    /** Registers {@code path} with the checks every endpoint shares and the mapping of failures to error JSON. */
    private void route(String path, String method, boolean authenticated, Route route) {
        http.createContext(path, exchange -> {
            try {
                metrics.request(path);
                if (authenticated && !authorized(exchange)) {
                    throw ApiError.unauthorized();
                }
                if (method != null && !method.equals(exchange.getRequestMethod())) {
                    exchange.getResponseHeaders().set("Allow", method);
                    throw ApiError.methodNotAllowed(exchange.getRequestMethod(), exchange.getRequestURI().getPath());
                }
                route.handle(exchange);
            } catch (ApiError e) {
                metrics.error(e.status);
                sendErrorQuietly(exchange, e);
            } catch (ClientGoneException | IOException e) {
                metrics.clientDisconnected();
            } catch (RuntimeException e) {
                metrics.error(500);
                sendErrorQuietly(exchange, ApiError.internal("internal error: " + e));
            } finally {
                exchange.close();
            }
        });
    }

    private static void sendErrorQuietly(HttpExchange exchange, ApiError e) {
        try {
            JsonHttp.sendError(exchange, e);
        } catch (IOException gone) {
            // the client left before its answer
        }
    }

    private boolean authorized(HttpExchange exchange) {
        if (apiKey == null) {
            return true;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // Constant time: the comparison must not tell how much of a guess was right.
        return MessageDigest.isEqual(apiKey, header.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    private void models(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        ObjectNode model = JsonNodeFactory.instance.objectNode();
        model.put("id", options.modelId());
        model.put("object", "model");
        model.put("created", created);
        model.put("owned_by", "basalt");
        model.put("context_length", contextLength);
        if (path.equals("/v1/models") || path.equals("/v1/models/")) {
            ObjectNode list = JsonNodeFactory.instance.objectNode();
            list.put("object", "list");
            list.putArray("data").add(model);
            JsonHttp.send(exchange, 200, list);
        } else if (path.equals("/v1/models/" + options.modelId())) {
            JsonHttp.send(exchange, 200, model);
        } else {
            throw ApiError.modelNotFound(path.substring("/v1/models/".length()));
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        ObjectNode health = JsonNodeFactory.instance.objectNode();
        health.put("status", closing ? "shutting down" : "ok");
        health.put("slots", slots.size());
        health.put("active", slots.active());
        health.put("queued", slots.waiting());
        JsonHttp.send(exchange, closing ? 503 : 200, health);
    }

    /** Active sessions and waiting requests, as /metrics reports them (for tests and embedding). */
    public int activeSessions() {
        return slots.active();
    }

    public int queuedRequests() {
        return slots.waiting();
    }

    /**
     * Stops generations at their next token, answers waiting requests with 503, stops listening, waits for the
     * handlers to finish and drops the sessions. Idempotent.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        slots.stopAccepting();
        http.stop(STOP_GRACE_SECONDS);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                executor.shutdownNow();
                executor.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        slots.close();
    }
}
