package dev.basalt.tokenizer.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One message of a conversation, as chat templates receive it (OpenAI's message shape).
 *
 * @param role {@code system}, {@code user}, {@code assistant}, {@code tool}, or any role a template knows
 * @param content the text, or null when the content is {@link #contentParts()} or absent
 * @param contentParts the content as a list of parts, or null when it is text
 * @param toolCalls the calls an assistant message makes; empty for none (then the template sees no
 *     {@code tool_calls} key)
 * @param toolCallId for a tool result, the id of the call it answers, or null
 * @param name for a tool result, the function's name, or null
 * @param fields further keys templates may read ({@code reasoning_content}, {@code thinking}, ...), in order
 */
public record ChatMessage(String role, String content, List<ContentPart> contentParts, List<ToolCall> toolCalls,
        String toolCallId, String name, Map<String, Object> fields) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        if (content != null && contentParts != null) {
            throw new IllegalArgumentException("a message has text content or content parts, not both");
        }
        contentParts = contentParts == null ? null : List.copyOf(contentParts);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields == null ? Map.of() : fields));
    }

    public static ChatMessage of(String role, String content) {
        return new ChatMessage(role, content, null, List.of(), null, null, Map.of());
    }

    public static ChatMessage system(String content) {
        return of("system", content);
    }

    public static ChatMessage user(String content) {
        return of("user", content);
    }

    public static ChatMessage user(List<ContentPart> parts) {
        return new ChatMessage("user", null, parts, List.of(), null, null, Map.of());
    }

    public static ChatMessage assistant(String content) {
        return of("assistant", content);
    }

    public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
        return new ChatMessage("assistant", content, null, toolCalls, null, null, Map.of());
    }

    /** The result of the tool call {@code toolCallId} of function {@code name} (either may be null). */
    public static ChatMessage tool(String toolCallId, String name, String content) {
        return new ChatMessage("tool", content, null, List.of(), toolCallId, name, Map.of());
    }

    /** A copy with one more key for the template, such as {@code reasoning_content}. */
    public ChatMessage withField(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(fields);
        more.put(key, value);
        return new ChatMessage(role, content, contentParts, toolCalls, toolCallId, name, more);
    }

    /**
     * Reads a message in OpenAI / Hugging Face JSON: {@code role}, {@code content} (text, parts or null),
     * {@code tool_calls}, {@code tool_call_id}, {@code name}, and any other key into {@link #fields()}.
     *
     * @throws IllegalArgumentException naming the key that has the wrong shape
     */
    public static ChatMessage fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("a chat message must be a JSON object, got " + json);
        }
        String role = text(json, "role", true);
        JsonNode c = json.get("content");
        String content = null;
        List<ContentPart> parts = null;
        if (c != null && c.isArray()) {
            parts = new ArrayList<>();
            for (JsonNode p : c) {
                Map<String, Object> fields = new LinkedHashMap<>();
                p.properties().forEach(e -> {
                    if (!e.getKey().equals("type") && !e.getKey().equals("text")) {
                        fields.put(e.getKey(), ContextValues.fromJson(e.getValue()));
                    }
                });
                parts.add(new ContentPart(text(p, "type", true), text(p, "text", false), fields));
            }
        } else if (c != null && !c.isNull()) {
            content = text(json, "content", true);
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : json.path("tool_calls")) {
            JsonNode function = call.path("function");
            calls.add(new ToolCall(text(call, "id", false), call.hasNonNull("type") ? text(call, "type", true) : "function",
                    text(function, "name", true), ContextValues.fromJson(function.get("arguments"))));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        json.properties().forEach(e -> {
            if (!List.of("role", "content", "tool_calls", "tool_call_id", "name").contains(e.getKey())) {
                fields.put(e.getKey(), ContextValues.fromJson(e.getValue()));
            }
        });
        return new ChatMessage(role, content, parts, calls, text(json, "tool_call_id", false), text(json, "name", false), fields);
    }

    private static String text(JsonNode json, String key, boolean required) {
        JsonNode v = json.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("chat message: \"" + key + "\" is missing in " + json);
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("chat message: \"" + key + "\" must be a string, got " + v);
        }
        return v.asText();
    }

    /**
     * The message as the template sees it: a dict with {@code role}, {@code content} (text, a list of part dicts,
     * or None), then {@code tool_calls}, {@code tool_call_id}, {@code name} when set, then {@link #fields()}.
     */
    Map<Object, Object> toTemplateValue() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        if (contentParts != null) {
            List<Object> parts = new ArrayList<>();
            contentParts.forEach(p -> parts.add(p.toTemplateValue()));
            m.put("content", parts);
        } else {
            m.put("content", content);
        }
        if (!toolCalls.isEmpty()) {
            List<Object> calls = new ArrayList<>();
            toolCalls.forEach(c -> calls.add(c.toTemplateValue()));
            m.put("tool_calls", calls);
        }
        if (toolCallId != null) {
            m.put("tool_call_id", toolCallId);
        }
        if (name != null) {
            m.put("name", name);
        }
        fields.forEach((k, v) -> m.put(k, ContextValues.convert(v)));
        return m;
    }
}
