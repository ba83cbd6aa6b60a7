package dev.basalt.tokenizer.template;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Jinja2's built-in filters that chat templates use, with Hugging Face's {@code tojson}. */
final class Filters {
    private static final Set<String> NAMES = Set.of("abs", "attr", "capitalize", "count", "d", "default", "dictsort",
            "e", "escape", "first", "float", "forceescape", "indent", "int", "items", "join", "last", "length", "list",
            "lower", "map", "max", "min", "pprint", "reject", "rejectattr", "replace", "reverse", "round", "safe",
            "select", "selectattr", "sort", "string", "sum", "title", "tojson", "trim", "unique", "upper", "center",
            "wordcount");

    private Filters() {
    }

    static boolean exists(String name) {
        return NAMES.contains(name);
    }

    static Object apply(String name, Object v, CallArguments a) {
        return switch (name) {
            case "abs" -> switch (v) {
                case null -> throw RenderError.type("bad operand type for abs(): 'NoneType'");
                case Long l -> Math.abs(l);
                case Double d -> Math.abs(d);
                case Boolean b -> b ? 1L : 0L;
                default -> throw RenderError.type("bad operand type for abs(): '" + Values.typeName(v) + "'");
            };
            case "attr" -> Members.attribute(v, a.string(0, "name", CallArguments.REQUIRED));
            case "capitalize" -> PyStrings.capitalize(Values.str(v));
            case "count", "length" -> Values.length(v);
            case "d", "default" -> v instanceof Undefined || (a.bool(1, "boolean", false) && !Values.truthy(v))
                    ? a.get(0, "default_value", "") : v;
            case "dictsort" -> dictsort(v, a);
            case "e", "escape" -> v instanceof Markup m ? m : new Markup(Markup.escape(Values.str(v)));
            case "forceescape" -> new Markup(Markup.escape(Values.str(v)));
            case "first" -> {
                List<Object> items = Values.iterate(v);
                yield items.isEmpty() ? Undefined.withHint("No first item, sequence was empty.") : items.getFirst();
            }
            case "last" -> {
                List<Object> items = Values.iterate(v);
                yield items.isEmpty() ? Undefined.withHint("No last item, sequence was empty.") : items.getLast();
            }
            case "float" -> toFloat(v, a.get(0, "default", 0.0));
            case "indent" -> indent(Values.str(v), a.get(0, "width", 4L), a.bool(1, "first", false), a.bool(2, "blank", false));
            case "int" -> toInt(v, a.get(0, "default", 0L));
            case "items" -> switch (v) {
                case null -> throw RenderError.type("Can only get item pairs from a mapping.");
                case Undefined u -> new ArrayList<>();
                case Map<?, ?> m -> Methods.items(m);
                default -> throw RenderError.type("Can only get item pairs from a mapping.");
            };
            case "join" -> join(v, a);
            case "list" -> Values.iterate(v);
            case "lower" -> Values.str(v).toLowerCase(Locale.ROOT);
            case "upper" -> Values.str(v).toUpperCase(Locale.ROOT);
            case "title" -> PyStrings.title(Values.str(v));
            case "map" -> map(v, a);
            case "max", "min" -> {
                List<Object> items = sorted(Values.iterate(v), a.bool(0, "case_sensitive", false),
                        a.get(1, "attribute", null), false);
                if (items.isEmpty()) {
                    yield Undefined.withHint("No aggregated item, sequence was empty.");
                }
                yield name.equals("min") ? items.getFirst() : items.getLast();
            }
            case "pprint" -> Values.repr(v);
            case "select", "reject" -> select(v, a, name.equals("select"), false);
            case "selectattr", "rejectattr" -> select(v, a, name.equals("selectattr"), true);
            case "replace" -> Methods.replace(Values.str(v), Values.str(a.get(0, "old", CallArguments.REQUIRED)),
                    Values.str(a.get(1, "new", CallArguments.REQUIRED)), a.get(2, "count", null) == null ? -1 : a.integer(2, "count", -1));
            case "reverse" -> {
                if (v instanceof String s) {
                    yield new StringBuilder(s).reverse().toString();
                }
                List<Object> items = Values.iterate(v);
                java.util.Collections.reverse(items);
                yield items;
            }
            case "round" -> round(v, a.integer(0, "precision", 0), a.string(1, "method", "common"));
            case "safe" -> v instanceof Markup m ? m : new Markup(Values.str(v));
            case "sort" -> sorted(Values.iterate(v), a.bool(1, "case_sensitive", false), a.get(2, "attribute", null),
                    a.bool(0, "reverse", false));
            case "string" -> Values.str(v);
            case "sum" -> {
                Object total = a.get(1, "start", 0L);
                Object attribute = a.get(0, "attribute", null);
                for (Object item : Values.iterate(v)) {
                    total = Values.arithmetic("+", total, attribute == null ? item : attributePath(item, attribute), Long.MAX_VALUE);
                }
                yield total;
            }
            // Hugging Face's signature: tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)
            case "tojson" -> PyJson.dumps(v, a.get(1, "indent", null), a.get(2, "separators", null),
                    a.bool(3, "sort_keys", false), a.bool(0, "ensure_ascii", false));
            case "trim" -> PyStrings.strip(Values.str(v), a.string(0, "chars", null));
            case "unique" -> unique(v, a);
            case "center" -> {
                String s = Values.str(v);
                long width = a.integer(0, "width", 80);
                int n = PyStrings.length(s);
                if (width <= n) {
                    yield s;
                }
                long total = width - n;
                long left = total / 2 + (total & width & 1);
                yield " ".repeat((int) left) + s + " ".repeat((int) (total - left));
            }
            case "wordcount" -> (long) PyStrings.split(Values.str(v), null, -1).size();
            default -> throw new IllegalStateException(name);
        };
    }

    /** {@code a.b.0}: each dotted part looked up as an item (a digit part as an index), like Jinja2's attrgetter. */
    static Object attributePath(Object item, Object attribute) {
        if (!(attribute instanceof String path)) {
            return Members.item(item, attribute);
        }
        Object v = item;
        for (String part : path.split("\\.")) {
            v = Members.item(v, part.chars().allMatch(Character::isDigit) && !part.isEmpty() ? (Object) Long.parseLong(part) : part);
        }
        return v;
    }

    private static String join(Object v, CallArguments a) {
        String separator = Values.str(a.get(0, "d", ""));
        Object attribute = a.get(1, "attribute", null);
        StringBuilder sb = new StringBuilder();
        List<Object> items = Values.iterate(v);
        for (int i = 0; i < items.size(); i++) {
            Object item = attribute == null ? items.get(i) : attributePath(items.get(i), attribute);
            sb.append(i > 0 ? separator : "").append(Values.str(item));
        }
        return sb.toString();
    }

    private static List<Object> map(Object v, CallArguments a) {
        List<Object> out = new ArrayList<>();
        if (!Values.truthy(v)) {
            return out; // Jinja2's map, select and reject skip a false value (None) instead of iterating it
        }
        if (a.positional().isEmpty() && a.keywords().containsKey("attribute")) {
            Object attribute = a.keywords().get("attribute");
            boolean hasDefault = a.keywords().containsKey("default");
            for (Object item : Values.iterate(v)) {
                Object value = attributePath(item, attribute);
                out.add(value instanceof Undefined && hasDefault ? a.keywords().get("default") : value);
            }
            return out;
        }
        String filter = a.string(0, "filter", CallArguments.REQUIRED);
        if (!exists(filter)) {
            throw RenderError.type("No filter named '" + filter + "'.");
        }
        CallArguments rest = new CallArguments(filter, a.positional().subList(1, a.positional().size()), a.keywords());
        for (Object item : Values.iterate(v)) {
            out.add(apply(filter, item, rest));
        }
        return out;
    }

    private static List<Object> select(Object v, CallArguments a, boolean keep, boolean byAttribute) {
        int first = byAttribute ? 1 : 0;
        Object attribute = byAttribute ? a.get(0, "attribute", CallArguments.REQUIRED) : null;
        String test = a.positional().size() > first ? Values.str(a.positional().get(first)) : null;
        if (test != null && !Tests.exists(test)) {
            throw RenderError.type("No test named '" + test + "'.");
        }
        List<Object> testArgs = a.positional().size() > first + 1 ? a.positional().subList(first + 1, a.positional().size()) : List.of();
        CallArguments args = new CallArguments(test, testArgs, Map.of());
        List<Object> out = new ArrayList<>();
        if (!Values.truthy(v)) {
            return out;
        }
        for (Object item : Values.iterate(v)) {
            Object subject = byAttribute ? attributePath(item, attribute) : item;
            boolean passes = test == null ? Values.truthy(subject) : Tests.apply(test, subject, args);
            if (passes == keep) {
                out.add(item);
            }
        }
        return out;
    }

    private static List<Object> unique(Object v, CallArguments a) {
        boolean caseSensitive = a.bool(0, "case_sensitive", false);
        Object attribute = a.get(1, "attribute", null);
        List<Object> seen = new ArrayList<>();
        List<Object> out = new ArrayList<>();
        for (Object item : Values.iterate(v)) {
            Object key = sortKey(attribute == null ? item : attributePath(item, attribute), caseSensitive);
            if (seen.stream().noneMatch(s -> Values.equal(s, key))) {
                seen.add(key);
                out.add(item);
            }
        }
        return out;
    }

    private static Object sortKey(Object v, boolean caseSensitive) {
        return !caseSensitive && v instanceof String s ? s.toLowerCase(Locale.ROOT) : v;
    }

    private static List<Object> sorted(List<Object> items, boolean caseSensitive, Object attribute, boolean reverse) {
        Comparator<Object> order = (x, y) -> Values.compare(
                sortKey(attribute == null ? x : attributePath(x, attribute), caseSensitive),
                sortKey(attribute == null ? y : attributePath(y, attribute), caseSensitive), "<");
        List<Object> out = new ArrayList<>(items);
        out.sort(reverse ? order.reversed() : order);
        return out;
    }

    private static List<Object> dictsort(Object v, CallArguments a) {
        if (!(v instanceof Map<?, ?> m)) {
            throw RenderError.type("dictsort filter needs a mapping, not " + Values.typeName(v));
        }
        boolean caseSensitive = a.bool(0, "case_sensitive", false);
        String by = a.string(1, "by", "key");
        int pos = switch (by) {
            case "key" -> 0;
            case "value" -> 1;
            default -> throw RenderError.type("You can only sort by either \"key\" or \"value\"");
        };
        List<Object> items = new ArrayList<>();
        m.forEach((k, x) -> items.add(new PyTuple(k, x)));
        Comparator<Object> order = (x, y) -> Values.compare(sortKey(((PyTuple) x).get(pos), caseSensitive),
                sortKey(((PyTuple) y).get(pos), caseSensitive), "<");
        items.sort(a.bool(2, "reverse", false) ? order.reversed() : order);
        return items;
    }

    /** Jinja2's indent: every line but the first (unless {@code first}) gets the indent; blank lines only if asked. */
    private static String indent(String s, Object width, boolean first, boolean blank) {
        String indention = width instanceof String w ? w : " ".repeat((int) Math.max(0, Math.min(Values.toLong(width), 1000)));
        List<String> lines = PyStrings.splitlines(s + "\n");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i > 0) {
                sb.append('\n').append(blank || !line.isEmpty() ? indention : "");
            }
            sb.append(line);
        }
        return first ? indention + sb : sb.toString();
    }

    private static Object toInt(Object v, Object fallback) {
        return switch (v) {
            case null -> fallback;
            case Long l -> l;
            case Boolean b -> b ? 1L : 0L;
            case Double d -> Double.isFinite(d) ? (long) (double) d : fallback;
            case String s -> {
                String t = PyStrings.strip(s, null).replace("_", "");
                try {
                    yield Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
                } catch (NumberFormatException e) {
                    Object f = toFloat(s, null);
                    yield f instanceof Double d && Double.isFinite(d) ? (Object) (long) (double) d : fallback;
                }
            }
            default -> fallback;
        };
    }

    private static Object toFloat(Object v, Object fallback) {
        return switch (v) {
            case null -> fallback;
            case Long l -> (double) l;
            case Boolean b -> b ? 1.0 : 0.0;
            case Double d -> d;
            case String s -> {
                String t = PyStrings.strip(s, null).replace("_", "").toLowerCase(Locale.ROOT);
                try {
                    yield switch (t) {
                        case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
                        case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
                        case "nan", "+nan", "-nan" -> Double.NaN;
                        default -> t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?") ? Double.parseDouble(t) : fallback;
                    };
                } catch (NumberFormatException e) {
                    yield fallback;
                }
            }
            default -> fallback;
        };
    }

    private static Object round(Object v, long precision, String method) {
        if (!Values.isNumber(v)) {
            throw RenderError.type("type " + Values.typeName(v) + " doesn't define __round__ method");
        }
        BigDecimal exact = new BigDecimal(Values.toDouble(v));
        RoundingMode mode = switch (method) {
            case "common" -> RoundingMode.HALF_EVEN; // Python's round() of the exact binary value
            case "ceil" -> RoundingMode.CEILING;
            case "floor" -> RoundingMode.FLOOR;
            default -> throw RenderError.type("method must be common, ceil or floor");
        };
        double r = exact.setScale((int) precision, mode).doubleValue();
        return v instanceof Long && method.equals("common") ? (Object) (long) r : (Object) r;
    }
}
