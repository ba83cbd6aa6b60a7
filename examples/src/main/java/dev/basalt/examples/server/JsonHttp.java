package dev.basalt.examples.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Reading JSON request bodies within a size limit and writing JSON and text responses. */
final class JsonHttp {
    static final ObjectMapper JSON = new ObjectMapper();

    private JsonHttp() {
    }

    /**
     * The body as JSON.
     *
     * @throws ApiError 413 when it is longer than {@code limit} bytes (told by Content-Length, or found reading);
     *     400 when it is not JSON
     */
    static JsonNode readJson(HttpExchange exchange, long limit) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > limit) {
                    throw ApiError.bodyTooLarge(limit);
                }
            } catch (NumberFormatException e) {
                throw ApiError.invalid(null, "bad Content-Length header: " + length);
            }
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        }
        if (body.length > limit) {
            throw ApiError.bodyTooLarge(limit);
        }
        if (body.length == 0) {
            throw ApiError.invalid(null, "the request has no body: send a JSON object");
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid(null, "the body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
    }

    static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static void sendText(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        send(exchange, status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    static void sendError(HttpExchange exchange, ApiError error) throws IOException {
        if (error.retryAfterSeconds > 0) {
            exchange.getResponseHeaders().set("Retry-After", Integer.toString(error.retryAfterSeconds));
        }
        if (error.status == 401) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        }
        send(exchange, error.status, error.toJson());
    }
}
