package dev.basalt.tokenizer.template;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python semantics of template values. Values are Java objects standing for Python's: {@code null} is None,
 * {@link Boolean}, {@link Long} (int), {@link Double} (float), {@link String}, {@link List} (list), {@link PyTuple}
 * (tuple), {@link Map} (dict, insertion-ordered), plus {@link Undefined}, {@link Namespace}, {@link Macro},
 * {@link LoopState} and other {@link TemplateFunction}s.
 */
final class Values {
    private Values() {
    }

    static String typeName(Object v) {
        return switch (v) {
            case null -> "NoneType";
            case Boolean b -> "bool";
            case Long l -> "int";
            case Double d -> "float";
            case String s -> "str";
            case PyTuple t -> "tuple";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case Undefined u -> "Undefined";
            case Namespace n -> "Namespace";
            case Macro m -> "Macro";
            case LoopState l -> "LoopContext";
            case Methods.Bound b -> "builtin_function_or_method";
            case Markup m -> "Markup";
            default -> "function";
        };
    }

    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0.0;
            case String s -> !s.isEmpty();
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            case Undefined u -> false;
            default -> true;
        };
    }

    /** Python's {@code str(v)}, with Jinja2's undefined printing as "". */
    static String str(Object v) {
        return switch (v) {
            case null -> "None";
            case String s -> s;
            case Undefined u -> "";
            default -> repr(v);
        };
    }

    /** Python's {@code repr(v)}. */
    static String repr(Object v) {
        return switch (v) {
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case Long l -> l.toString();
            case Double d -> floatRepr(d);
            case String s -> PyStrings.repr(s);
            case PyTuple t -> {
                StringBuilder sb = new StringBuilder("(");
                for (int i = 0; i < t.size(); i++) {
                    sb.append(i > 0 ? ", " : "").append(repr(t.get(i)));
                }
                yield sb.append(t.size() == 1 ? ",)" : ")").toString();
            }
            case List<?> l -> {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < l.size(); i++) {
                    sb.append(i > 0 ? ", " : "").append(repr(l.get(i)));
                }
                yield sb.append(']').toString();
            }
            case Map<?, ?> m -> {
                StringBuilder sb = new StringBuilder("{");
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    sb.append(first ? "" : ", ").append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                    first = false;
                }
                yield sb.append('}').toString();
            }
            case Undefined u -> "Undefined";
            default -> v.toString();
        };
    }

    /** CPython's float repr: shortest round-trip digits, exponent form outside 1e-4 <= |x| < 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - 1 - exact.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        String plain = exact.toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    // ---- equality and ordering ----

    static boolean equal(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) {
                return toDouble(a) == toDouble(b);
            }
            return toLong(a) == toLong(b);
        }
        if (a instanceof Undefined || b instanceof Undefined) {
            return a instanceof Undefined && b instanceof Undefined;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if ((a instanceof PyTuple) != (b instanceof PyTuple) || x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** Python's ordering of numbers, strings (by code point) and sequences; other pairs are a TypeError. */
    static int compare(Object a, Object b, String op) {
        if (a instanceof Undefined u) {
            throw u.error();
        }
        if (b instanceof Undefined u) {
            throw u.error();
        }
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) {
                return Double.compare(toDouble(a), toDouble(b));
            }
            return Long.compare(toLong(a), toLong(b));
        }
        if (a instanceof String x && b instanceof String y) {
            return compareCodePoints(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y && (a instanceof PyTuple) == (b instanceof PyTuple)) {
            for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return compare(x.get(i), y.get(i), op);
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        throw RenderError.type("'" + op + "' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    private static int compareCodePoints(String x, String y) {
        int i = 0;
        int j = 0;
        while (i < x.length() && j < y.length()) {
            int a = x.codePointAt(i);
            int b = y.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Boolean.compare(i < x.length(), j < y.length());
    }

    /** Python's {@code needle in haystack}. */
    static boolean contains(Object haystack, Object needle) {
        return switch (haystack) {
            case null -> throw RenderError.type("argument of type 'NoneType' is not iterable");
            case String s -> {
                if (!(needle instanceof String n)) {
                    throw RenderError.type("'in <string>' requires string as left operand, not " + typeName(needle));
                }
                yield s.contains(n);
            }
            case Map<?, ?> m -> m.containsKey(needle);
            case List<?> l -> l.stream().anyMatch(x -> equal(x, needle));
            case Undefined u -> false;
            default -> throw RenderError.type("argument of type '" + typeName(haystack) + "' is not iterable");
        };
    }

    // ---- iteration and size ----

    /** The items a for loop visits: list items, dict keys, string characters; undefined gives none. */
    static List<Object> iterate(Object v) {
        return switch (v) {
            case null -> throw RenderError.type("'NoneType' object is not iterable");
            case List<?> l -> new ArrayList<>(l);
            case Map<?, ?> m -> new ArrayList<>(m.keySet());
            case String s -> PyStrings.characters(s);
            case Undefined u -> List.of();
            default -> throw RenderError.type("'" + typeName(v) + "' object is not iterable");
        };
    }

    static long length(Object v) {
        return switch (v) {
            case null -> throw RenderError.type("object of type 'NoneType' has no len()");
            case String s -> PyStrings.length(s);
            case List<?> l -> l.size();
            case Map<?, ?> m -> m.size();
            case Undefined u -> 0;
            default -> throw RenderError.type("object of type '" + typeName(v) + "' has no len()");
        };
    }

    // ---- numbers ----

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    static long toLong(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).longValue();
    }

    static double toDouble(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
    }

    /** Python's binary operators {@code + - * / // % **}. */
    static Object arithmetic(String op, Object a, Object b, long maxSize) {
        if (a instanceof Undefined u) {
            throw u.error();
        }
        if (b instanceof Undefined u) {
            throw u.error();
        }
        if (isNumber(a) && isNumber(b)) {
            return numeric(op, a, b);
        }
        switch (op) {
            case "+" -> {
                if (a instanceof String x && b instanceof String y) {
                    checkSize((long) x.length() + y.length(), maxSize);
                    return x + y;
                }
                if (a instanceof List<?> x && b instanceof List<?> y && (a instanceof PyTuple) == (b instanceof PyTuple)) {
                    checkSize((long) x.size() + y.size(), maxSize);
                    List<Object> joined = new ArrayList<>(x);
                    joined.addAll(y);
                    return a instanceof PyTuple ? PyTuple.of(joined) : joined;
                }
                if (a instanceof String || a instanceof List) {
                    throw RenderError.type("can only concatenate " + typeName(a) + " (not \"" + typeName(b) + "\") to " + typeName(a));
                }
            }
            case "*" -> {
                if ((a instanceof String || a instanceof List) && (b instanceof Long || b instanceof Boolean)) {
                    return repeat(a, toLong(b), maxSize);
                }
                if (a instanceof Long && (b instanceof String || b instanceof List)) {
                    return repeat(b, toLong(a), maxSize);
                }
            }
            case "%" -> {
                if (a instanceof String) {
                    throw RenderError.type("printf-style string formatting ('%' on a string) is not supported");
                }
            }
            default -> {
            }
        }
        throw RenderError.type("unsupported operand type(s) for " + op + ": '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    private static Object repeat(Object seq, long times, long maxSize) {
        long n = Math.max(0, times);
        if (seq instanceof String s) {
            checkSize(s.length() * n, maxSize);
            return s.repeat((int) n);
        }
        List<?> l = (List<?>) seq;
        checkSize(l.size() * n, maxSize);
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            out.addAll(l);
        }
        return seq instanceof PyTuple ? PyTuple.of(out) : out;
    }

    static void checkSize(long size, long maxSize) {
        if (size > maxSize) {
            throw new RenderError(TemplateException.Kind.LIMIT, "value of " + size + " elements exceeds the render limit of " + maxSize);
        }
    }

    private static Object numeric(String op, Object a, Object b) {
        boolean floating = a instanceof Double || b instanceof Double;
        try {
            if (!floating) {
                long x = toLong(a);
                long y = toLong(b);
                switch (op) {
                    case "+" -> {
                        return Math.addExact(x, y);
                    }
                    case "-" -> {
                        return Math.subtractExact(x, y);
                    }
                    case "*" -> {
                        return Math.multiplyExact(x, y);
                    }
                    case "/" -> {
                        if (y == 0) {
                            throw RenderError.type("division by zero");
                        }
                        return (double) x / y;
                    }
                    case "//" -> {
                        if (y == 0) {
                            throw RenderError.type("integer division or modulo by zero");
                        }
                        return Math.floorDiv(x, y);
                    }
                    case "%" -> {
                        if (y == 0) {
                            throw RenderError.type("integer modulo by zero");
                        }
                        return Math.floorMod(x, y);
                    }
                    case "**" -> {
                        if (y < 0) {
                            return Math.pow(x, y);
                        }
                        long r = 1;
                        for (long i = 0; i < y; i++) {
                            r = Math.multiplyExact(r, x);
                            if (r == 0 || r == 1 && x == 1) {
                                break;
                            }
                        }
                        return r;
                    }
                    default -> throw new IllegalStateException(op);
                }
            }
        } catch (ArithmeticException e) {
            throw RenderError.type("integer result of " + op + " does not fit in 64 bits");
        }
        double x = toDouble(a);
        double y = toDouble(b);
        return switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "/" -> {
                if (y == 0) {
                    throw RenderError.type("float division by zero");
                }
                yield x / y;
            }
            case "//" -> {
                if (y == 0) {
                    throw RenderError.type("float floor division by zero");
                }
                yield Math.floor(x / y);
            }
            case "%" -> {
                if (y == 0) {
                    throw RenderError.type("float modulo");
                }
                double m = x % y;
                yield m != 0 && (m < 0) != (y < 0) ? m + y : m;
            }
            case "**" -> Math.pow(x, y);
            default -> throw new IllegalStateException(op);
        };
    }
}
