package dev.basalt.tokenizer.template;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Jinja2's built-in tests ({@code x is defined}, {@code x is string}, {@code x is equalto y}, ...). */
final class Tests {
    private static final Set<String> NAMES = Set.of("defined", "undefined", "none", "boolean", "false", "true",
            "integer", "float", "number", "string", "mapping", "iterable", "sequence", "callable", "lower", "upper",
            "odd", "even", "divisibleby", "sameas", "escaped", "in", "eq", "equalto", "==", "ne", "!=", "lt", "lessthan",
            "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=", "filter", "test");

    private Tests() {
    }

    static boolean exists(String name) {
        return NAMES.contains(name);
    }

    static boolean apply(String name, Object v, CallArguments args) {
        return switch (name) {
            case "defined" -> !(v instanceof Undefined);
            case "undefined" -> v instanceof Undefined;
            case "none" -> v == null;
            case "boolean" -> v instanceof Boolean;
            case "false" -> Boolean.FALSE.equals(v);
            case "true" -> Boolean.TRUE.equals(v);
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "number" -> Values.isNumber(v);
            case "string" -> v instanceof String;
            case "mapping" -> v instanceof Map;
            case "iterable" -> v instanceof String || v instanceof List || v instanceof Map || v instanceof Undefined;
            case "sequence" -> v instanceof String || v instanceof List || v instanceof Map || v instanceof Undefined;
            case "callable" -> v instanceof TemplateFunction;
            case "lower" -> v instanceof String s && s.equals(s.toLowerCase(java.util.Locale.ROOT));
            case "upper" -> v instanceof String s && s.equals(s.toUpperCase(java.util.Locale.ROOT));
            case "odd" -> integer(v) % 2 != 0;
            case "even" -> integer(v) % 2 == 0;
            case "divisibleby" -> integer(v) % integer(args.get(0, "num", CallArguments.REQUIRED)) == 0;
            case "sameas" -> same(v, args.get(0, "other", CallArguments.REQUIRED));
            case "escaped" -> false;
            case "in" -> Values.contains(args.get(0, "seq", CallArguments.REQUIRED), v);
            case "eq", "equalto", "==" -> Values.equal(v, args.get(0, "other", CallArguments.REQUIRED));
            case "ne", "!=" -> !Values.equal(v, args.get(0, "other", CallArguments.REQUIRED));
            case "lt", "lessthan", "<" -> Values.compare(v, args.get(0, "other", CallArguments.REQUIRED), "<") < 0;
            case "le", "<=" -> Values.compare(v, args.get(0, "other", CallArguments.REQUIRED), "<=") <= 0;
            case "gt", "greaterthan", ">" -> Values.compare(v, args.get(0, "other", CallArguments.REQUIRED), ">") > 0;
            case "ge", ">=" -> Values.compare(v, args.get(0, "other", CallArguments.REQUIRED), ">=") >= 0;
            case "filter" -> v instanceof String s && Filters.exists(s);
            case "test" -> v instanceof String s && exists(s);
            default -> throw new IllegalStateException(name);
        };
    }

    /** Python's {@code is}: identity, which for None, booleans and small values is equality of value and type. */
    private static boolean same(Object a, Object b) {
        if (a == null || b == null || a instanceof Boolean || b instanceof Boolean) {
            return a == b || a != null && a.equals(b);
        }
        return a == b || (a instanceof Long && a.equals(b)) || (a instanceof String && a.equals(b));
    }

    private static long integer(Object v) {
        if (v instanceof Undefined u) {
            throw u.error();
        }
        if (!(v instanceof Long || v instanceof Boolean)) {
            throw RenderError.type("not all arguments converted during string formatting");
        }
        return Values.toLong(v);
    }
}
