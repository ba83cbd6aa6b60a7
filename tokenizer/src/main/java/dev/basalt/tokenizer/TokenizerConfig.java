package dev.basalt.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.tokenizer.template.ChatTemplates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a Hugging Face {@code tokenizer_config.json} says about special tokens and chat formatting. Every field
 * is optional; {@link #EMPTY} stands for a missing file.
 *
 * @param addBos {@code add_bos_token}, null when the file does not say
 * @param addEos {@code add_eos_token}, null when the file does not say
 */
record TokenizerConfig(Boolean addBos, Boolean addEos, String bosToken, String eosToken, String padToken,
        String unkToken, ChatTemplates chatTemplates) {

    static final TokenizerConfig EMPTY = new TokenizerConfig(null, null, null, null, null, null, ChatTemplates.NONE);

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
                token(root, "eos_token"), token(root, "pad_token"), token(root, "unk_token"), chatTemplates(root, file));
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

    private static ChatTemplates chatTemplates(JsonNode root, Path file) {
        try {
            return ChatTemplates.fromTokenizerConfig(root.get("chat_template"), file.toString());
        } catch (IllegalArgumentException e) {
            throw new TokenizerException(e.getMessage(), e);
        }
    }
}
