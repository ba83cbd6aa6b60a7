package dev.basalt.tokenizer.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Attribute and item access as Jinja2's sandboxed environment does it: {@code obj.name} tries an attribute (a
 * method) and then an item, {@code obj[key]} an item and then an attribute; what is missing is {@link Undefined}.
 */
final class Members {
    private Members() {
    }

    static Object attribute(Object obj, String name) {
        if (obj instanceof Undefined u) {
            throw u.error();
        }
        Object method = Methods.find(obj, name);
        if (method != null) {
            return method;
        }
        return switch (obj) {
            case null -> Undefined.member(null, name);
            case Map<?, ?> m -> m.containsKey(name) ? m.get(name) : Undefined.member(obj, name);
            case Namespace ns -> ns.attributes.containsKey(name) ? ns.attributes.get(name) : Undefined.member(obj, name);
            case LoopState loop -> loop.attribute(name);
            case Macro macro when name.equals("name") -> macro.name();
            default -> Undefined.member(obj, name);
        };
    }

    static Object item(Object obj, Object key) {
        if (obj instanceof Undefined u) {
            throw u.error();
        }
        if (obj instanceof Map<?, ?> m && m.containsKey(key)) {
            return m.get(key);
        }
        if ((obj instanceof List<?> || obj instanceof String) && (key instanceof Long || key instanceof Boolean)) {
            long n = Values.length(obj);
            long i = Values.toLong(key);
            long index = i < 0 ? i + n : i;
            if (index >= 0 && index < n) {
                return obj instanceof List<?> l ? l.get((int) index)
                        : Character.toString(((String) obj).codePointAt(((String) obj).offsetByCodePoints(0, (int) index)));
            }
        }
        return key instanceof String name ? attribute(obj, name) : Undefined.member(obj, key);
    }

    /** Python's {@code seq[start:stop:step]} on a list, tuple or string; other values give undefined. */
    static Object slice(Object obj, Object start, Object stop, Object step) {
        if (obj instanceof Undefined u) {
            throw u.error();
        }
        List<?> items;
        if (obj instanceof String s) {
            items = PyStrings.characters(s);
        } else if (obj instanceof List<?> l) {
            items = l;
        } else {
            return Undefined.member(obj, "slice");
        }
        long n = items.size();
        long st = step == null ? 1 : index(step);
        if (st == 0) {
            throw RenderError.type("slice step cannot be zero");
        }
        long lo;
        long hi;
        if (st > 0) {
            lo = start == null ? 0 : clamp(index(start), n, 0, n);
            hi = stop == null ? n : clamp(index(stop), n, 0, n);
        } else {
            lo = start == null ? n - 1 : clamp(index(start), n, -1, n - 1);
            hi = stop == null ? -1 : clamp(index(stop), n, -1, n - 1);
        }
        List<Object> out = new ArrayList<>();
        for (long i = lo; st > 0 ? i < hi : i > hi; i += st) {
            out.add(items.get((int) i));
        }
        if (obj instanceof String) {
            StringBuilder sb = new StringBuilder();
            out.forEach(c -> sb.append((String) c));
            return sb.toString();
        }
        return obj instanceof PyTuple ? PyTuple.of(out) : out;
    }

    private static long index(Object v) {
        if (!(v instanceof Long || v instanceof Boolean)) {
            throw RenderError.type("slice indices must be integers or None");
        }
        return Values.toLong(v);
    }

    private static long clamp(long i, long n, long min, long max) {
        long v = i < 0 ? i + n : i;
        return Math.max(min, Math.min(max, v));
    }
}
