package dev.basalt.tokenizer.template;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.gguf.Metadata;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The chat templates a model ships, by name: the unnamed one as {@value #DEFAULT}, and named variants such as
 * {@code tool_use} or {@code rag}. Read from GGUF metadata ({@code tokenizer.chat_template} and
 * {@code tokenizer.chat_template.<name>}) or from {@code tokenizer_config.json}'s {@code chat_template} (a string,
 * or a list of {@code {"name", "template"}}).
 */
public final class ChatTemplates {
    public static final String DEFAULT = "default";
    public static final ChatTemplates NONE = new ChatTemplates(Map.of());

    private static final String GGUF_KEY = "tokenizer.chat_template";

    private final Map<String, String> byName;

    private ChatTemplates(Map<String, String> byName) {
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    public static ChatTemplates fromGguf(Metadata metadata) {
        Map<String, String> byName = new LinkedHashMap<>();
        if (metadata.has(GGUF_KEY)) {
            byName.put(DEFAULT, metadata.getString(GGUF_KEY));
        }
        for (String key : metadata.keys()) {
            if (key.startsWith(GGUF_KEY + ".")) {
                byName.put(key.substring(GGUF_KEY.length() + 1), metadata.getString(key));
            }
        }
        return new ChatTemplates(byName);
    }

    /**
     * The {@code chat_template} value of a {@code tokenizer_config.json} (null or absent: none).
     *
     * @param source the file, for error messages
     * @throws IllegalArgumentException when the value is neither a string nor a list of named templates
     */
    public static ChatTemplates fromTokenizerConfig(JsonNode chatTemplate, String source) {
        if (chatTemplate == null || chatTemplate.isNull()) {
            return NONE;
        }
        if (chatTemplate.isTextual()) {
            return new ChatTemplates(Map.of(DEFAULT, chatTemplate.asText()));
        }
        Map<String, String> byName = new LinkedHashMap<>();
        if (chatTemplate.isArray()) {
            for (JsonNode t : chatTemplate) {
                if (!t.path("name").isTextual() || !t.path("template").isTextual()) {
                    throw new IllegalArgumentException(source + ": chat_template entries must be {\"name\": string, \"template\": string}, got " + t);
                }
                byName.put(t.get("name").asText(), t.get("template").asText());
            }
            return new ChatTemplates(byName);
        }
        throw new IllegalArgumentException(source + ": chat_template must be a string or a list of named templates");
    }

    /** The template named {@value #DEFAULT}, else the first one. */
    public Optional<String> defaultTemplate() {
        return byName.containsKey(DEFAULT) ? Optional.of(byName.get(DEFAULT)) : byName.values().stream().findFirst();
    }

    public Optional<String> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The names in the order the file lists them. */
    public Set<String> names() {
        return byName.keySet();
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    /**
     * The GGUF metadata llama.cpp's converter writes for these templates: the default one as
     * {@code tokenizer.chat_template}, each other named one as {@code tokenizer.chat_template.<name>}.
     */
    public Map<String, dev.basalt.gguf.MetadataValue> toGgufMetadata() {
        Map<String, dev.basalt.gguf.MetadataValue> out = new LinkedHashMap<>();
        defaultTemplate().ifPresent(t -> out.put(GGUF_KEY, dev.basalt.gguf.MetadataValue.string(t)));
        String defaultName = byName.containsKey(DEFAULT) ? DEFAULT : byName.keySet().stream().findFirst().orElse(null);
        byName.forEach((name, t) -> {
            if (!name.equals(defaultName)) {
                out.put(GGUF_KEY + "." + name, dev.basalt.gguf.MetadataValue.string(t));
            }
        });
        return out;
    }
}
