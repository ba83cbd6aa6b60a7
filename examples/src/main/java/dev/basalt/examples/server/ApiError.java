package dev.basalt.examples.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the server answers with an error: the HTTP status and OpenAI's error object
 * ({@code {"error": {"message", "type", "param", "code"}}}), so that OpenAI clients report it as they would
 * OpenAI's own.
 */
final class ApiError extends RuntimeException {
    final int status;
    final String type;
    final String param;
    final String code;
    /** Seconds for a {@code Retry-After} header, or 0 for none. */
    final int retryAfterSeconds;

    ApiError(int status, String type, String param, String code, String message, int retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400: the request is wrong; {@code param} names the field. */
    static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, null, message, 0);
    }

    static ApiError unsupported(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, "unsupported_parameter", message, 0);
    }

    static ApiError contextLengthExceeded(String message) {
        return contextLengthExceeded("messages", message);
    }

    static ApiError contextLengthExceeded(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, "context_length_exceeded", message, 0);
    }

    static ApiError unauthorized() {
        return new ApiError(401, "invalid_request_error", null, "invalid_api_key",
                "missing or wrong API key: send the header 'Authorization: Bearer <key>' with the server's key", 0);
    }

    static ApiError modelNotFound(String model) {
        return new ApiError(404, "invalid_request_error", "model", "model_not_found",
                "The model '" + model + "' does not exist (GET /v1/models lists the one this server has)", 0);
    }

    static ApiError notFound(String path) {
        return new ApiError(404, "invalid_request_error", null, "not_found", "no such endpoint: " + path, 0);
    }

    static ApiError methodNotAllowed(String method, String path) {
        return new ApiError(405, "invalid_request_error", null, "method_not_allowed", method + " is not allowed on " + path, 0);
    }

    static ApiError bodyTooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", null, "request_too_large",
                "the request body exceeds the server's limit of " + limit + " bytes", 0);
    }

    static ApiError busy(int slots, int queue) {
        return new ApiError(429, "rate_limit_exceeded", null, "rate_limit_exceeded", "the server is busy: all " + slots
                + " slots are generating and " + queue + " requests are waiting; retry later", 1);
    }

    static ApiError unavailable(String message) {
        return new ApiError(503, "server_error", null, "unavailable", message, 0);
    }

    static ApiError internal(String message) {
        return new ApiError(500, "server_error", null, null, message, 0);
    }

    /** The JSON body. */
    ObjectNode toJson() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return body;
    }
}
