package dev.basalt.examples.server;

import com.fasterxml.jackson.databind.JsonNode;

/** The checks every POST endpoint makes first: a JSON object naming this server's model. */
final class ModelField {
    private ModelField() {
    }

    /**
     * @throws ApiError 400 when the body is not an object or has no string {@code model}; 404 when {@code model} is
     *     not {@code modelId}
     */
    static void check(JsonNode body, String modelId) {
        if (!body.isObject()) {
            throw ApiError.invalid(null, "the request body must be a JSON object");
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual()) {
            throw ApiError.invalid("model", "'model' must be given as a string (this server has '" + modelId + "')");
        }
        if (!model.asText().equals(modelId)) {
            throw ApiError.modelNotFound(model.asText());
        }
    }
}
