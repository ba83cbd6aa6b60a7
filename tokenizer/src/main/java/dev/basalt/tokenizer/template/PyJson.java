package dev.basalt.tokenizer.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} as Hugging Face's {@code tojson} filter calls it: insertion-ordered keys unless
 * sorted, separators {@code ", "}/{@code ": "} (with an indent {@code ","}), non-ASCII written as is unless
 * {@code ensure_ascii}, floats in Python's repr.
 */
final class PyJson {
    private final String indent;
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean sortKeys;
    private final boolean ensureAscii;
    private final StringBuilder out = new StringBuilder();

    private PyJson(String indent, String itemSeparator, String keySeparator, boolean sortKeys, boolean ensureAscii) {
        this.indent = indent;
        this.itemSeparator = itemSeparator;
        this.keySeparator = keySeparator;
        this.sortKeys = sortKeys;
        this.ensureAscii = ensureAscii;
    }

    /**
     * @param indent null, a number of spaces, or the indent string
     * @param separators null or a two-item sequence (item separator, key separator)
     */
    static String dumps(Object value, Object indent, Object separators, boolean sortKeys, boolean ensureAscii) {
        String indentText = switch (indent) {
            case null -> null;
            case Long n -> " ".repeat((int) Math.max(0, Math.min(n, 1000)));
            case String s -> s;
            default -> throw RenderError.type("indent must be an int or a str, not " + Values.typeName(indent));
        };
        String item = indentText == null ? ", " : ",";
        String key = ": ";
        if (separators != null) {
            if (!(separators instanceof List<?> l) || l.size() != 2 || !(l.get(0) instanceof String a) || !(l.get(1) instanceof String b)) {
                throw RenderError.type("separators must be a pair of strings");
            }
            item = a;
            key = b;
        }
        PyJson json = new PyJson(indentText, item, key, sortKeys, ensureAscii);
        json.write(value, 0);
        return json.out.toString();
    }

    private void write(Object v, int level) {
        switch (v) {
            case null -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case Long l -> out.append(l);
            case Double d -> out.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : Values.floatRepr(d));
            case String s -> string(s);
            case List<?> l -> {
                if (l.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append('[');
                for (int i = 0; i < l.size(); i++) {
                    out.append(i > 0 ? itemSeparator : "");
                    newline(level + 1);
                    write(l.get(i), level + 1);
                }
                newline(level);
                out.append(']');
            }
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    out.append("{}");
                    return;
                }
                List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
                if (sortKeys) {
                    entries.sort((x, y) -> Values.compare(x.getKey(), y.getKey(), "<"));
                }
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : entries) {
                    out.append(first ? "" : itemSeparator);
                    first = false;
                    newline(level + 1);
                    string(key(e.getKey()));
                    out.append(keySeparator);
                    write(e.getValue(), level + 1);
                }
                newline(level);
                out.append('}');
            }
            default -> throw RenderError.type("Object of type " + Values.typeName(v) + " is not JSON serializable");
        }
    }

    private static String key(Object k) {
        return switch (k) {
            case String s -> s;
            case null -> "null";
            case Boolean b -> b ? "true" : "false";
            case Long l -> l.toString();
            case Double d -> Values.floatRepr(d);
            default -> throw RenderError.type("keys must be str, int, float, bool or None, not " + Values.typeName(k));
        };
    }

    private void newline(int level) {
        if (indent != null) {
            out.append('\n').append(indent.repeat(level));
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
