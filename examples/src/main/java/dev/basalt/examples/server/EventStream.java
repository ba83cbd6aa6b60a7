package dev.basalt.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A Server-Sent Events response as OpenAI streams it: {@code data: <json>} events, each flushed at once, ended by
 * {@code data: [DONE]}. A failed write means the client has gone: it surfaces as {@link ClientGoneException}.
 */
final class EventStream {
    private final OutputStream out;

    /** Sends the 200 headers; the body is chunked. */
    EventStream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        out = exchange.getResponseBody();
    }

    void send(JsonNode data) {
        try {
            write("data: " + data + "\n\n"); // JsonNode.toString() is its compact JSON
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    void done() {
        try {
            write("data: [DONE]\n\n");
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    private void write(String event) throws IOException {
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
