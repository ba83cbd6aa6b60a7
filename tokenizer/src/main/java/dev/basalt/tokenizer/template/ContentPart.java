package dev.basalt.tokenizer.template;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One part of a message whose content is a list (OpenAI's content parts): {@code {"type": "text", "text": ...}},
 * or another type ({@code image_url}, ...) whose fields are kept as given.
 *
 * @param text the text of a {@code text} part, null for other types
 * @param fields further keys of the part, in order (for example {@code image_url}); never null
 */
public record ContentPart(String type, String text, Map<String, Object> fields) {
    public ContentPart {
        Objects.requireNonNull(type, "type");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields == null ? Map.of() : fields));
    }

    public static ContentPart text(String text) {
        return new ContentPart("text", Objects.requireNonNull(text, "text"), Map.of());
    }

    /** The part as the template sees it: a dict with {@code type}, then {@code text}, then the other fields. */
    Map<Object, Object> toTemplateValue() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        if (text != null) {
            m.put("text", text);
        }
        fields.forEach((k, v) -> m.put(k, ContextValues.convert(v)));
        return m;
    }
}
