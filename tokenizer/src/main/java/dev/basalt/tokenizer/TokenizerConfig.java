package dev.basalt.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a Hugging Face {@code tokenizer_config.json} says about special tokens and chat formatting. Every field
 * is optional; {@link #EMPTY} stands for a missing file.
 *
 * @param addBos {@code add_bos_token}, null when the file does not say
 * @param addEos {@code add_eos_token}, null when the file does not say
 */
record TokenizerConfig(Boolean addBos, Boolean addEos, String bosToken, String eosToken, String padToken,
        String unkToken, String chatTemplate) {

    static final TokenizerConfig EMPTY = new TokenizerConfig(null, null, null, null, null, null, null);

    /** The config beside {@code tokenizerJson}, or {@link #EMPTY} when there is none. */
    static TokenizerConfig besides(Path tokenizerJson) throws IOException {
        Path file = tokenizerJson.resolveSibling("tokenizer_config.json");
        if (!Files.isRegularFile(file)) {
            return EMPTY;
        }
        JsonNode root;
        try {
            root = TokenizerJson.MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new TokenizerException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new TokenizerException(file + ": is not a JSON object");
        }
        return new TokenizerConfig(bool(root, "add_bos_token"), bool(root, "add_eos_token"), token(root, "bos_token"),
                token(root, "eos_token"), token(root, "pad_token"), token(root, "unk_token"), chatTemplate(root));
    }

    Optional<String> template() {
        return Optional.ofNullable(chatTemplate);
    }

    private static Boolean bool(JsonNode root, String key) {
        JsonNode n = root.get(key);
        return n != null && n.isBoolean() ? n.booleanValue() : null;
    }

    /** A special token is a string, or (older files) an object with its {@code content}. */
    private static String token(JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isObject() ? n.path("content").asText(null) : n.asText(null);
    }

    /** A string, or a list of named templates of which "default" (else the first) is the chat template. */
    private static String chatTemplate(JsonNode root) {
        JsonNode n = root.get("chat_template");
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.asText();
        }
        String first = null;
        for (JsonNode t : n) {
            if ("default".equals(t.path("name").asText())) {
                return t.path("template").asText(null);
            }
            if (first == null) {
                first = t.path("template").asText(null);
            }
        }
        return first;
    }
}
