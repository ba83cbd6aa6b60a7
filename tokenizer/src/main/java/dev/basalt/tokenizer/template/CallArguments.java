package dev.basalt.tokenizer.template;

import java.util.List;
import java.util.Map;

/** The evaluated arguments of a call, filter, test or method, read like a Python signature. */
record CallArguments(String callee, List<Object> positional, Map<String, Object> keywords) {
    static final Object REQUIRED = new Object();

    /** The argument at {@code index} or named {@code name}, else {@code fallback} ({@link #REQUIRED}: an error). */
    Object get(int index, String name, Object fallback) {
        if (index < positional.size()) {
            return positional.get(index);
        }
        if (name != null && keywords.containsKey(name)) {
            return keywords.get(name);
        }
        if (fallback == REQUIRED) {
            throw RenderError.type(callee + "() missing required argument '" + name + "'");
        }
        return fallback;
    }

    String string(int index, String name, Object fallback) {
        Object v = get(index, name, fallback);
        if (v != null && !(v instanceof String)) {
            throw RenderError.type(callee + "() argument '" + name + "' must be str, not " + Values.typeName(v));
        }
        return (String) v;
    }

    long integer(int index, String name, long fallback) {
        Object v = get(index, name, fallback);
        if (!(v instanceof Long || v instanceof Boolean)) {
            throw RenderError.type(callee + "() argument '" + name + "' must be int, not " + Values.typeName(v));
        }
        return Values.toLong(v);
    }

    boolean bool(int index, String name, boolean fallback) {
        return Values.truthy(get(index, name, fallback));
    }
}
