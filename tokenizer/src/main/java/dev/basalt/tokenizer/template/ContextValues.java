package dev.basalt.tokenizer.template;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts what a caller passes to a template (Java values, Jackson trees, chat messages) into template values:
 * the JSON-like types Python's {@code json} would produce, as fresh mutable copies.
 */
final class ContextValues {
    private ContextValues() {
    }

    /**
     * @throws IllegalArgumentException for a value no JSON or Python value corresponds to
     */
    static Object convert(Object v) {
        return switch (v) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Character c -> c.toString();
            case Long l -> l;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case BigInteger b -> b.longValueExact();
            case Double d -> d;
            case Float f -> (double) f;
            case BigDecimal b -> b.doubleValue();
            case JsonNode n -> fromJson(n);
            case ChatMessage m -> m.toTemplateValue();
            case ToolCall c -> c.toTemplateValue();
            case ContentPart p -> p.toTemplateValue();
            case Map<?, ?> m -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(convert(k), convert(x)));
                yield out;
            }
            case Iterable<?> it -> {
                List<Object> out = new ArrayList<>();
                it.forEach(x -> out.add(convert(x)));
                yield out;
            }
            case Object[] a -> {
                List<Object> out = new ArrayList<>();
                for (Object x : a) {
                    out.add(convert(x));
                }
                yield out;
            }
            default -> throw new IllegalArgumentException("a " + v.getClass().getName()
                    + " cannot be passed to a chat template (use strings, numbers, booleans, null, maps, lists or JSON)");
        };
    }

    /** A JSON tree as Python's {@code json.loads} gives it: objects in key order, integers as int, decimals as float. */
    static Object fromJson(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isObject()) {
            Map<Object, Object> m = new LinkedHashMap<>();
            n.properties().forEach(e -> m.put(e.getKey(), fromJson(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(fromJson(x)));
            return l;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            if (!n.canConvertToLong()) {
                throw new IllegalArgumentException("integer " + n + " does not fit in 64 bits");
            }
            return n.longValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        return n.asText();
    }
}
