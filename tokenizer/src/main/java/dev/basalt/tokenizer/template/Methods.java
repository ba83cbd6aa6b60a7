package dev.basalt.tokenizer.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Python methods of str, dict and list that chat templates call ({@code content.strip()},
 * {@code message.get('x')}, {@code d.items()}). Methods that modify a list or dict are refused, as in Jinja2's
 * immutable sandbox that Hugging Face renders with.
 */
final class Methods {
    private static final Set<String> STRING = Set.of("strip", "lstrip", "rstrip", "split", "rsplit", "splitlines",
            "startswith", "endswith", "upper", "lower", "title", "capitalize", "replace", "find", "rfind", "index",
            "count", "join", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "removeprefix",
            "removesuffix");
    private static final Set<String> DICT = Set.of("items", "keys", "values", "get", "copy");
    private static final Set<String> LIST = Set.of("index", "count", "copy");
    private static final Set<String> UNSAFE_LIST = Set.of("append", "clear", "pop", "reverse", "insert", "sort", "extend", "remove");
    private static final Set<String> UNSAFE_DICT = Set.of("clear", "pop", "popitem", "setdefault", "update");

    private Methods() {
    }

    /** A method bound to its receiver, as {@code s.strip} evaluates before it is called. */
    record Bound(Object receiver, String name) implements TemplateFunction {
        @Override
        public Object call(List<Object> positional, Map<String, Object> keywords) {
            CallArguments args = new CallArguments(name, positional, keywords);
            return switch (receiver) {
                case String s -> string(s, name, args);
                case Map<?, ?> m -> dict(m, name, args);
                default -> list((List<?>) receiver, name, args);
            };
        }

        @Override
        public String toString() {
            return "<built-in method " + name + " of " + Values.typeName(receiver) + " object>";
        }
    }

    /** The method {@code name} of {@code receiver}, an unsafe-undefined for refused ones, or null if it has none. */
    static Object find(Object receiver, String name) {
        if (receiver == null) {
            return null;
        }
        switch (receiver) {
            case String s when STRING.contains(name) -> {
                return new Bound(s, name);
            }
            case Map<?, ?> m when DICT.contains(name) -> {
                return new Bound(m, name);
            }
            case Map<?, ?> m when UNSAFE_DICT.contains(name) -> {
                return Undefined.unsafe(m, name);
            }
            case PyTuple t when LIST.contains(name) && !name.equals("copy") -> {
                return new Bound(t, name);
            }
            case PyTuple t -> {
                return null;
            }
            case List<?> l when LIST.contains(name) -> {
                return new Bound(l, name);
            }
            case List<?> l when UNSAFE_LIST.contains(name) -> {
                return Undefined.unsafe(l, name);
            }
            default -> {
                return null;
            }
        }
    }

    private static Object string(String s, String name, CallArguments a) {
        return switch (name) {
            case "strip" -> PyStrings.strip(s, a.string(0, "chars", null));
            case "lstrip" -> PyStrings.lstrip(s, a.string(0, "chars", null));
            case "rstrip" -> PyStrings.rstrip(s, a.string(0, "chars", null));
            case "split" -> PyStrings.split(s, a.string(0, "sep", null), a.integer(1, "maxsplit", -1));
            case "rsplit" -> PyStrings.rsplit(s, a.string(0, "sep", null), a.integer(1, "maxsplit", -1));
            case "splitlines" -> new ArrayList<Object>(PyStrings.splitlines(s));
            case "startswith" -> affix(s, a.get(0, "prefix", CallArguments.REQUIRED), true);
            case "endswith" -> affix(s, a.get(0, "suffix", CallArguments.REQUIRED), false);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> PyStrings.title(s);
            case "capitalize" -> PyStrings.capitalize(s);
            case "replace" -> replace(s, a.string(0, "old", CallArguments.REQUIRED),
                    a.string(1, "new", CallArguments.REQUIRED), a.integer(2, "count", -1));
            case "find" -> PyStrings.find(s, a.string(0, "sub", ""));
            case "rfind" -> {
                int at = s.lastIndexOf(a.string(0, "sub", ""));
                yield at < 0 ? -1L : (long) s.codePointCount(0, at);
            }
            case "index" -> {
                long at = PyStrings.find(s, a.string(0, "sub", ""));
                if (at < 0) {
                    throw RenderError.type("substring not found");
                }
                yield at;
            }
            case "count" -> {
                String sub = a.string(0, "sub", "");
                if (sub.isEmpty()) {
                    yield (long) PyStrings.length(s) + 1;
                }
                long n = 0;
                for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
                    n++;
                }
                yield n;
            }
            case "join" -> {
                StringBuilder sb = new StringBuilder();
                List<Object> items = Values.iterate(a.get(0, "iterable", CallArguments.REQUIRED));
                for (int i = 0; i < items.size(); i++) {
                    if (!(items.get(i) instanceof String item)) {
                        throw RenderError.type("sequence item " + i + ": expected str instance, " + Values.typeName(items.get(i)) + " found");
                    }
                    sb.append(i > 0 ? s : "").append(item);
                }
                yield sb.toString();
            }
            case "isdigit" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
            case "isspace" -> PyStrings.isSpace(s);
            case "isupper" -> s.codePoints().anyMatch(Character::isUpperCase) && s.codePoints().noneMatch(Character::isLowerCase);
            case "islower" -> s.codePoints().anyMatch(Character::isLowerCase) && s.codePoints().noneMatch(Character::isUpperCase);
            case "removeprefix" -> {
                String p = a.string(0, "prefix", "");
                yield s.startsWith(p) ? s.substring(p.length()) : s;
            }
            case "removesuffix" -> {
                String p = a.string(0, "suffix", "");
                yield !p.isEmpty() && s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s;
            }
            default -> throw new IllegalStateException(name);
        };
    }

    private static boolean affix(String s, Object affix, boolean prefix) {
        if (affix instanceof PyTuple t) {
            return t.stream().anyMatch(x -> affix(s, x, prefix));
        }
        if (!(affix instanceof String a)) {
            throw RenderError.type((prefix ? "startswith" : "endswith") + " first arg must be str or a tuple of str, not "
                    + Values.typeName(affix));
        }
        return prefix ? s.startsWith(a) : s.endsWith(a);
    }

    static String replace(String s, String old, String replacement, long count) {
        if (count < 0) {
            if (!old.isEmpty()) {
                return s.replace(old, replacement);
            }
            count = Long.MAX_VALUE;
        }
        StringBuilder sb = new StringBuilder();
        if (old.isEmpty()) {
            // Python inserts the replacement before every character and at the end, up to count times
            int i = 0;
            long done = 0;
            while (i <= s.length() && done < count) {
                sb.append(replacement);
                done++;
                if (i == s.length()) {
                    return sb.toString();
                }
                int c = s.codePointAt(i);
                sb.appendCodePoint(c);
                i += Character.charCount(c);
            }
            return sb.append(s, Math.min(i, s.length()), s.length()).toString();
        }
        int from = 0;
        long done = 0;
        for (int at = s.indexOf(old); at >= 0 && done < count; at = s.indexOf(old, from)) {
            sb.append(s, from, at).append(replacement);
            from = at + old.length();
            done++;
        }
        return sb.append(s.substring(from)).toString();
    }

    private static Object dict(Map<?, ?> m, String name, CallArguments a) {
        return switch (name) {
            case "items" -> items(m);
            case "keys" -> new ArrayList<Object>(m.keySet());
            case "values" -> new ArrayList<Object>(m.values());
            case "get" -> {
                Object key = a.get(0, "key", CallArguments.REQUIRED);
                yield m.containsKey(key) ? m.get(key) : a.get(1, "default", null);
            }
            case "copy" -> new LinkedHashMap<Object, Object>(m);
            default -> throw new IllegalStateException(name);
        };
    }

    /** {@code dict.items()}: (key, value) tuples in insertion order. */
    static List<Object> items(Map<?, ?> m) {
        List<Object> items = new ArrayList<>();
        m.forEach((k, v) -> items.add(new PyTuple(k, v)));
        return items;
    }

    private static Object list(List<?> l, String name, CallArguments a) {
        return switch (name) {
            case "index" -> {
                Object x = a.get(0, "value", CallArguments.REQUIRED);
                for (int i = 0; i < l.size(); i++) {
                    if (Values.equal(l.get(i), x)) {
                        yield (long) i;
                    }
                }
                throw RenderError.type(Values.repr(x) + " is not in list");
            }
            case "count" -> {
                Object x = a.get(0, "value", CallArguments.REQUIRED);
                yield l.stream().filter(y -> Values.equal(x, y)).count();
            }
            case "copy" -> new ArrayList<Object>(l);
            default -> throw new IllegalStateException(name);
        };
    }
}
