package dev.basalt.tokenizer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The content of a Hugging Face {@code tokenizer.json}. The model's vocabulary and merges (hundreds of thousands of
 * entries, 33 MB for Gemma 3) are streamed straight into arrays; the small pipeline components are kept as JSON
 * trees for the classes that interpret them.
 */
final class TokenizerJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    final String source;
    /** The model's other fields ({@code type}, {@code unk_token}, {@code byte_fallback}...). */
    final ObjectNode model = JsonNodeFactory.instance.objectNode();
    final List<String> vocabTokens = new ArrayList<>();
    final IntList vocabIds = new IntList(1024);
    final List<String> mergeLeft = new ArrayList<>();
    final List<String> mergeRight = new ArrayList<>();
    final ObjectNode components = JsonNodeFactory.instance.objectNode();
    private boolean hasModel;

    private TokenizerJson(String source) {
        this.source = source;
    }

    /**
     * @throws TokenizerException naming the file when it is not JSON or has no model
     * @throws IOException when it cannot be read
     */
    static TokenizerJson read(Path file) throws IOException {
        TokenizerJson t = new TokenizerJson(file.toString());
        try (JsonParser p = MAPPER.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw t.error("is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("model") && p.currentToken() == JsonToken.START_OBJECT) {
                    t.readModel(p);
                } else {
                    t.components.set(name, MAPPER.readTree(p));
                }
            }
            if (p.nextToken() != null) {
                throw t.error("has content after the top-level object");
            }
        } catch (JsonProcessingException e) {
            throw new TokenizerException(t.source + ": not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
        }
        if (!t.hasModel) {
            throw t.error("has no \"model\" object");
        }
        return t;
    }

    private void readModel(JsonParser p) throws IOException {
        hasModel = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("vocab") && value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String token = p.currentName();
                    if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                        throw error("model.vocab: the id of \"" + token + "\" is not an integer");
                    }
                    vocabTokens.add(token);
                    vocabIds.add(p.getIntValue());
                }
            } else if (name.equals("merges") && value == JsonToken.START_ARRAY) {
                readMerges(p);
            } else {
                model.set(name, MAPPER.readTree(p));
            }
        }
    }

    /** Merges are {@code "a b"} strings (older files) or {@code ["a", "b"]} pairs. */
    private void readMerges(JsonParser p) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            int index = mergeLeft.size();
            if (t == JsonToken.VALUE_STRING) {
                String rule = p.getText();
                int space = rule.indexOf(' ');
                if (space <= 0 || space != rule.lastIndexOf(' ') || space == rule.length() - 1) {
                    throw error("model.merges[" + index + "] \"" + rule + "\" is not two tokens separated by one space");
                }
                mergeLeft.add(rule.substring(0, space));
                mergeRight.add(rule.substring(space + 1));
            } else if (t == JsonToken.START_ARRAY) {
                JsonNode pair = MAPPER.readTree(p);
                if (pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
                    throw error("model.merges[" + index + "] is not a pair of token strings: " + pair);
                }
                mergeLeft.add(pair.get(0).asText());
                mergeRight.add(pair.get(1).asText());
            } else {
                throw error("model.merges[" + index + "] is neither a string nor a pair");
            }
        }
    }

    /** A top-level component ({@code normalizer}, {@code pre_tokenizer}...), null when absent or JSON null. */
    JsonNode component(String name) {
        JsonNode n = components.get(name);
        return n == null || n.isNull() ? null : n;
    }

    TokenizerException error(String problem) {
        return new TokenizerException(source + ": " + problem);
    }

    /** The error for a pipeline component this implementation does not support. */
    TokenizerException unsupported(String component, JsonNode node) {
        String type = node.path("type").asText("(no type)");
        return error("unsupported " + component + " type \"" + type + "\"");
    }
}
