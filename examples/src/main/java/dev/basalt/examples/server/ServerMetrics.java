package dev.basalt.examples.server;

import dev.basalt.engine.GenerationResult;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** The server's counters, written in the Prometheus text exposition format for {@code GET /metrics}. */
final class ServerMetrics {
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder cachedPromptTokens = new LongAdder();
    private final LongAdder completionTokens = new LongAdder();
    private final LongAdder prefillNanos = new LongAdder();
    private final LongAdder decodeNanos = new LongAdder();
    private final LongAdder decodedTokens = new LongAdder();
    private final LongAdder clientDisconnects = new LongAdder();
    private final LongAdder embeddedInputs = new LongAdder();
    private final LongAdder embeddedTokens = new LongAdder();
    private final IntSupplier queueLength;
    private final IntSupplier activeSessions;
    private final int slots;

    ServerMetrics(int slots, IntSupplier queueLength, IntSupplier activeSessions) {
        this.slots = slots;
        this.queueLength = queueLength;
        this.activeSessions = activeSessions;
    }

    void request(String endpoint) {
        requests.computeIfAbsent(endpoint, k -> new LongAdder()).increment();
    }

    void error(int status) {
        errors.computeIfAbsent(status, k -> new LongAdder()).increment();
    }

    void clientDisconnected() {
        clientDisconnects.increment();
    }

    void generated(GenerationResult r) {
        promptTokens.add(r.promptTokens());
        cachedPromptTokens.add(r.reusedPromptTokens());
        completionTokens.add(r.generatedTokens());
        prefillNanos.add(r.prefillNanos());
        decodeNanos.add(r.decodeNanos());
        decodedTokens.add(Math.max(0, r.generatedTokens() - 1)); // the first comes out of the prefill
    }

    /** An embeddings or rerank request: its inputs (texts or query/document pairs) and their tokens. */
    void embedded(int inputs, long tokens) {
        embeddedInputs.add(inputs);
        embeddedTokens.add(tokens);
    }

    /** The exposition text. */
    String render() {
        StringBuilder out = new StringBuilder();
        header(out, "basalt_requests_total", "counter", "HTTP requests received, by endpoint.");
        new TreeMap<>(requests).forEach((endpoint, n) -> out.append("basalt_requests_total{endpoint=\"").append(endpoint)
                .append("\"} ").append(n.sum()).append('\n'));
        header(out, "basalt_errors_total", "counter", "Requests answered with an error, by HTTP status.");
        new TreeMap<>(errors).forEach((status, n) -> out.append("basalt_errors_total{status=\"").append(status)
                .append("\"} ").append(n.sum()).append('\n'));
        counter(out, "basalt_client_disconnects_total", "Streams stopped because the client closed the connection.", clientDisconnects.sum());
        counter(out, "basalt_prompt_tokens_total", "Prompt tokens received (tokens in).", promptTokens.sum());
        counter(out, "basalt_embedding_inputs_total", "Texts embedded and query/document pairs scored.", embeddedInputs.sum());
        counter(out, "basalt_embedding_tokens_total", "Tokens of the embedded texts and scored pairs.", embeddedTokens.sum());
        counter(out, "basalt_prompt_tokens_cached_total", "Prompt tokens taken from a session's KV cache instead of being processed.",
                cachedPromptTokens.sum());
        counter(out, "basalt_completion_tokens_total", "Tokens generated (tokens out).", completionTokens.sum());
        counter(out, "basalt_prefill_seconds_total", "Time spent processing prompts.", prefillNanos.sum() / 1e9);
        counter(out, "basalt_decode_seconds_total", "Time spent generating tokens after the first of each reply.", decodeNanos.sum() / 1e9);
        gauge(out, "basalt_prefill_tokens_per_second", "Processed prompt tokens per second of prefill, over all requests.",
                rate(promptTokens.sum() - cachedPromptTokens.sum(), prefillNanos.sum()));
        gauge(out, "basalt_decode_tokens_per_second", "Generated tokens per second of decoding, over all requests.",
                rate(decodedTokens.sum(), decodeNanos.sum()));
        gauge(out, "basalt_queue_length", "Requests waiting for a slot.", queueLength.getAsInt());
        gauge(out, "basalt_active_sessions", "Slots generating now.", activeSessions.getAsInt());
        gauge(out, "basalt_slots", "Slots (sessions with their own KV cache).", slots);
        return out.toString();
    }

    private static double rate(long tokens, long nanos) {
        return nanos == 0 ? 0 : tokens * 1e9 / nanos;
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, double value) {
        header(out, name, "counter", help);
        out.append(name).append(' ').append(number(value)).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, double value) {
        header(out, name, "gauge", help);
        out.append(name).append(' ').append(number(value)).append('\n');
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
