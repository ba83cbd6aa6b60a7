package dev.basalt.tokenizer.template;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A function call an assistant message made.
 *
 * @param id the call id, or null
 * @param type {@code "function"} for every call chat templates know
 * @param arguments a {@link Map} (how Hugging Face's examples pass them; templates print them with {@code tojson})
 *     or a {@link String} holding JSON text (as the OpenAI API sends them); templates differ in which they expect
 */
public record ToolCall(String id, String type, String name, Object arguments) {
    public ToolCall {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    public static ToolCall function(String id, String name, Object arguments) {
        return new ToolCall(id, "function", name, arguments);
    }

    /** {@code {"id": ..., "type": ..., "function": {"name": ..., "arguments": ...}}}, as in OpenAI's format. */
    Map<Object, Object> toTemplateValue() {
        Map<Object, Object> function = new LinkedHashMap<>();
        function.put("name", name);
        function.put("arguments", ContextValues.convert(arguments));
        Map<Object, Object> m = new LinkedHashMap<>();
        if (id != null) {
            m.put("id", id);
        }
        m.put("type", type);
        m.put("function", function);
        return m;
    }
}
