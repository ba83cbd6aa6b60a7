package dev.basalt.engine.hf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.gguf.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A Hugging Face JSON object ({@code config.json}, {@code generation_config.json}, or a nested object of one) with
 * typed access whose errors name the file and the field ({@link HfConfigException}).
 */
final class HfConfig {
    static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final String prefix;
    private final JsonNode root;

    private HfConfig(String file, String prefix, JsonNode root) {
        this.file = file;
        this.prefix = prefix;
        this.root = root;
    }

    /**
     * Reads {@code path}.
     *
     * @throws NoSuchFileException when it does not exist
     * @throws ModelFormatException when it is not a JSON object
     */
    static HfConfig read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "a Hugging Face model folder needs it");
        }
        JsonNode root;
        try {
            root = JSON.readTree(path.toFile());
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(path.toString(), e.getLocation() == null ? -1 : e.getLocation().getByteOffset(),
                    "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException(path.toString(), -1, "is not a JSON object");
        }
        return new HfConfig(path.toString(), "", root);
    }

    /** {@code path} when it exists, else an empty object (for optional files such as generation_config.json). */
    static HfConfig readOptional(Path path) throws IOException {
        return Files.isRegularFile(path) ? read(path) : new HfConfig(path.toString(), "", JSON.createObjectNode());
    }

    String file() {
        return file;
    }

    boolean has(String field) {
        JsonNode n = root.get(field);
        return n != null && !n.isNull();
    }

    JsonNode node(String field) {
        return root.get(field);
    }

    /** The nested object {@code field}, or null when absent or null. */
    HfConfig object(String field) {
        if (!has(field)) {
            return null;
        }
        JsonNode n = root.get(field);
        if (!n.isObject()) {
            throw error(field, "must be an object, got " + n);
        }
        return new HfConfig(file, prefix + field + ".", n);
    }

    String string(String field) {
        JsonNode n = require(field);
        if (!n.isTextual()) {
            throw error(field, "must be a string, got " + n);
        }
        return n.asText();
    }

    String string(String field, String fallback) {
        return has(field) ? string(field) : fallback;
    }

    /** A positive whole number. */
    int positiveInt(String field) {
        JsonNode n = require(field);
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() <= 0) {
            throw error(field, "must be a positive whole number, got " + n);
        }
        return n.intValue();
    }

    int positiveInt(String field, int fallback) {
        return has(field) ? positiveInt(field) : fallback;
    }

    double number(String field) {
        JsonNode n = require(field);
        if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
            throw error(field, "must be a finite number, got " + n);
        }
        return n.doubleValue();
    }

    double number(String field, double fallback) {
        return has(field) ? number(field) : fallback;
    }

    boolean bool(String field, boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonNode n = root.get(field);
        if (!n.isBoolean()) {
            throw error(field, "must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    /** A number or a list of numbers, as {@code eos_token_id} may be; empty when absent. */
    int[] ints(String field) {
        if (!has(field)) {
            return new int[0];
        }
        JsonNode n = root.get(field);
        JsonNode[] items = n.isArray() ? toArray(n) : new JsonNode[] {n};
        int[] out = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            if (!items[i].canConvertToInt() || !items[i].isIntegralNumber() || items[i].intValue() < 0) {
                throw error(field, "must be a token id or a list of token ids, got " + n);
            }
            out[i] = items[i].intValue();
        }
        return out;
    }

    /** A list of numbers. */
    float[] floats(String field) {
        JsonNode n = require(field);
        if (!n.isArray()) {
            throw error(field, "must be a list of numbers, got " + n);
        }
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) {
            if (!n.get(i).isNumber()) {
                throw error(field, "element " + i + " is not a number: " + n.get(i));
            }
            out[i] = (float) n.get(i).doubleValue();
        }
        return out;
    }

    private static JsonNode[] toArray(JsonNode array) {
        JsonNode[] out = new JsonNode[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i);
        }
        return out;
    }

    private JsonNode require(String field) {
        if (!has(field)) {
            throw error(field, "missing (required)");
        }
        return root.get(field);
    }

    HfConfigException error(String field, String problem) {
        return new HfConfigException(file, prefix + field, problem);
    }
}
