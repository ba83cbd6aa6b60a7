package dev.basalt.engine.grammar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a JSON Schema into GBNF whose sentences are JSON documents valid against it. Supported: {@code type}
 * (one or a list), {@code object} with {@code properties}, {@code required} and {@code additionalProperties}
 * (a schema gives a map; otherwise only the declared properties are written, in their order), {@code array} with
 * {@code items}, {@code minItems}, {@code maxItems}, {@code string} with {@code minLength}, {@code maxLength} and
 * {@code format} date, time, date-time or uuid, {@code integer} with {@code minimum}, {@code maximum} and their
 * exclusive forms, {@code number} ({@code minimum: 0} only), {@code boolean}, {@code null}, {@code enum},
 * {@code const}, {@code anyOf}, {@code oneOf} (as anyOf: the branches should not overlap), {@code $ref} to
 * {@code #}, {@code #/$defs/...} or {@code #/definitions/...} (recursion allowed), at any depth. Annotations
 * (title, description, default, examples, ...) are ignored. Any other keyword is refused by name, never ignored.
 */
public final class JsonSchemaGrammar {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "$schema", "$id", "$comment",
            "default", "examples", "deprecated", "readOnly", "writeOnly", "$defs", "definitions");
    private static final Set<String> SUPPORTED = Set.of("type", "properties", "required", "additionalProperties",
            "items", "minItems", "maxItems", "minLength", "maxLength", "format", "minimum", "maximum",
            "exclusiveMinimum", "exclusiveMaximum", "enum", "const", "anyOf", "oneOf", "$ref");
    private static final Set<String> TYPES = Set.of("object", "array", "string", "number", "integer", "boolean", "null");

    /** The rules shared by all schemas, added when used. */
    private static final Map<String, String> PRIMITIVES = Map.ofEntries(
            Map.entry("space", "\" \"?"),
            Map.entry("boolean", "(\"true\" | \"false\") space"),
            Map.entry("null", "\"null\" space"),
            Map.entry("integral-part", "\"0\" | [1-9] [0-9]{0,15}"),
            Map.entry("integer", "\"-\"? integral-part space"),
            Map.entry("number", "\"-\"? integral-part (\".\" [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})? space"),
            Map.entry("non-negative-number", "integral-part (\".\" [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})? space"),
            Map.entry("char", "[^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})"),
            Map.entry("string", "\"\\\"\" char* \"\\\"\" space"),
            Map.entry("value", "object | array | string | number | boolean | null"),
            Map.entry("object", "\"{\" space (string \":\" space value (\",\" space string \":\" space value)*)? \"}\" space"),
            Map.entry("array", "\"[\" space (value (\",\" space value)*)? \"]\" space"),
            Map.entry("date", "[0-9]{4} \"-\" (\"0\" [1-9] | \"1\" [0-2]) \"-\" (\"0\" [1-9] | [12] [0-9] | \"3\" [01])"),
            Map.entry("time", "([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] (\".\" [0-9]{1,6})? "
                    + "(\"Z\" | [+-] ([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9])"),
            Map.entry("uuid", "[0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" "
                    + "[0-9a-fA-F]{12}"));
    private static final Map<String, List<String>> PRIMITIVE_USES = Map.of(
            "boolean", List.of("space"), "null", List.of("space"), "integer", List.of("integral-part", "space"),
            "number", List.of("integral-part", "space"), "non-negative-number", List.of("integral-part", "space"),
            "string", List.of("char", "space"), "value", List.of("object", "array", "string", "number", "boolean", "null"),
            "object", List.of("space", "string", "value"), "array", List.of("space", "value"));

    private final JsonNode root;
    private final String rootName;
    private final Map<String, String> rules = new LinkedHashMap<>();
    private final Map<String, String> refRules = new LinkedHashMap<>();

    private JsonSchemaGrammar(JsonNode root, String rootName) {
        this.root = root;
        this.rootName = rootName;
    }

    /**
     * The GBNF of the documents valid against {@code schema} (JSON text).
     *
     * @throws GrammarException for text that is not JSON, a malformed schema, or an unsupported keyword
     */
    public static String toGbnf(String schema) {
        JsonNode node;
        try {
            node = JSON.readTree(schema);
        } catch (JsonProcessingException e) {
            throw new GrammarException("the JSON schema is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (node == null || node.isMissingNode()) {
            throw new GrammarException("the JSON schema is empty");
        }
        return toGbnf(node);
    }

    /** The GBNF of the documents valid against the parsed {@code schema}. */
    public static String toGbnf(JsonNode schema) {
        return toGbnf(schema, "root");
    }

    /**
     * The GBNF of the documents valid against {@code schema}, whose first rule is {@code rootName} (another rule
     * named {@code root} can then wrap it).
     */
    public static String toGbnf(JsonNode schema, String rootName) {
        JsonSchemaGrammar g = new JsonSchemaGrammar(schema, rootName);
        g.rules.put(rootName, null); // first in the output
        g.rules.put(rootName, g.expression(schema, "#", rootName));
        StringBuilder out = new StringBuilder();
        g.rules.forEach((name, body) -> out.append(name).append(" ::= ").append(body).append('\n'));
        return out.toString();
    }

    /** A GBNF expression for the values valid against {@code schema}; {@code path} names it in errors. */
    private String expression(JsonNode schema, String path, String name) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                throw new GrammarException("the schema at " + path + " is false: nothing is valid against it");
            }
            return use("value");
        }
        if (!schema.isObject()) {
            throw new GrammarException("the schema at " + path + " must be an object or a boolean, got " + schema);
        }
        checkKeywords(schema, path);
        if (schema.has("$ref")) {
            onlyWith(schema, path, "$ref", Set.of());
            return reference(schema.get("$ref"), path);
        }
        if (schema.has("const")) {
            onlyWith(schema, path, "const", Set.of("type"));
            return literal(schema.get("const"));
        }
        if (schema.has("enum")) {
            onlyWith(schema, path, "enum", Set.of("type"));
            JsonNode values = schema.get("enum");
            if (!values.isArray() || values.isEmpty()) {
                throw new GrammarException("enum at " + path + " must be a non-empty array");
            }
            List<String> alternatives = new ArrayList<>();
            values.forEach(v -> alternatives.add(literal(v)));
            return group(alternatives);
        }
        for (String combiner : List.of("anyOf", "oneOf")) {
            if (schema.has(combiner)) {
                onlyWith(schema, path, combiner, Set.of());
                JsonNode branches = schema.get(combiner);
                if (!branches.isArray() || branches.isEmpty()) {
                    throw new GrammarException(combiner + " at " + path + " must be a non-empty array");
                }
                List<String> alternatives = new ArrayList<>();
                for (int i = 0; i < branches.size(); i++) {
                    alternatives.add(rule(name + "-" + i, branches.get(i), path + "/" + combiner + "/" + i));
                }
                return group(alternatives);
            }
        }
        JsonNode type = schema.get("type");
        if (type == null) {
            String inferred = inferType(schema);
            if (inferred == null) {
                return use("value");
            }
            type = JSON.getNodeFactory().textNode(inferred);
        }
        if (type.isArray()) {
            List<String> alternatives = new ArrayList<>();
            for (JsonNode t : type) {
                ObjectNode single = ((ObjectNode) schema).deepCopy();
                single.set("type", t);
                alternatives.add(rule(name + "-" + t.asText(), single, path));
            }
            if (alternatives.isEmpty()) {
                throw new GrammarException("type at " + path + " is an empty list");
            }
            return group(alternatives);
        }
        String t = type.asText();
        if (!type.isTextual() || !TYPES.contains(t)) {
            throw new GrammarException("type at " + path + " must be one of " + new TreeSet<>(TYPES) + ", got " + type);
        }
        return switch (t) {
            case "object" -> object(schema, path, name);
            case "array" -> array(schema, path, name);
            case "string" -> string(schema, path);
            case "integer" -> integer(schema, path);
            case "number" -> number(schema, path);
            case "boolean" -> use("boolean");
            case "null" -> use("null");
            default -> throw new IllegalStateException(t);
        };
    }

    /** A schema without {@code type}: the type its keywords imply, or null for any value. */
    private static String inferType(JsonNode schema) {
        if (schema.has("properties") || schema.has("required") || schema.has("additionalProperties")) {
            return "object";
        }
        if (schema.has("items") || schema.has("minItems") || schema.has("maxItems")) {
            return "array";
        }
        if (schema.has("minLength") || schema.has("maxLength") || schema.has("format")) {
            return "string";
        }
        return schema.has("minimum") || schema.has("maximum") ? "number" : null;
    }

    private void checkKeywords(JsonNode schema, String path) {
        List<String> unsupported = new ArrayList<>();
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!SUPPORTED.contains(k) && !ANNOTATIONS.contains(k)) {
                unsupported.add(k);
            }
        }
        if (!unsupported.isEmpty()) {
            throw new GrammarException("unsupported JSON Schema keyword" + (unsupported.size() > 1 ? "s " : " ")
                    + String.join(", ", unsupported) + " at " + path);
        }
    }

    /** Refuses keywords beside {@code keyword} other than annotations and {@code allowed}. */
    private static void onlyWith(JsonNode schema, String path, String keyword, Set<String> allowed) {
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals(keyword) && !ANNOTATIONS.contains(k) && !allowed.contains(k)) {
                throw new GrammarException("keyword " + k + " beside " + keyword + " at " + path + " is not supported");
            }
        }
    }

    private String reference(JsonNode ref, String path) {
        String target = ref.asText();
        String existing = refRules.get(target);
        if (existing != null) {
            return existing;
        }
        JsonNode resolved;
        if (target.equals("#")) {
            resolved = root;
        } else if (target.startsWith("#/")) {
            resolved = root.at(target.substring(1));
        } else {
            throw new GrammarException("$ref " + target + " at " + path + " is not supported: only references into this "
                    + "schema (#, #/$defs/..., #/definitions/...)");
        }
        if (resolved.isMissingNode()) {
            throw new GrammarException("$ref " + target + " at " + path + " points to nothing");
        }
        String name = target.equals("#") ? rootName : unique("ref-" + sanitize(target.substring(target.lastIndexOf('/') + 1)));
        refRules.put(target, name);
        if (!target.equals("#")) {
            rules.put(name, null); // reserved: a recursive reference finds the name
            rules.put(name, expression(resolved, target, name));
        }
        return name;
    }

    /** A named rule for a sub-schema, so the expression stays small. */
    private String rule(String name, JsonNode schema, String path) {
        String id = unique(name);
        rules.put(id, null);
        rules.put(id, expression(schema, path, id));
        return id;
    }

    private String object(JsonNode schema, String path, String name) {
        JsonNode properties = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        JsonNode required = schema.get("required");
        if (properties == null || properties.isEmpty()) {
            if (required != null && !required.isEmpty()) {
                throw new GrammarException("required at " + path + " names properties that are not in properties");
            }
            if (additional == null || additional.isBoolean() && additional.booleanValue()) {
                return use("object");
            }
            if (additional.isBoolean()) {
                return "\"{\" " + use("space") + " \"}\" space";
            }
            String v = rule(name + "-value", additional, path + "/additionalProperties");
            return "\"{\" space (" + use("string") + " \":\" space " + v + " (\",\" space string \":\" space " + v
                    + ")*)? \"}\" space";
        }
        if (!properties.isObject()) {
            throw new GrammarException("properties at " + path + " must be an object");
        }
        Set<String> requiredNames = new java.util.HashSet<>();
        if (required != null) {
            for (JsonNode r : required) {
                if (!properties.has(r.asText())) {
                    throw new GrammarException("required property " + r + " at " + path + " is not in properties");
                }
                requiredNames.add(r.asText());
            }
        }
        List<String> keys = new ArrayList<>();
        List<String> members = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            String value = rule(name + "-" + sanitize(p.getKey()), p.getValue(), path + "/properties/" + p.getKey());
            keys.add(p.getKey());
            members.add(literal(JSON.getNodeFactory().textNode(p.getKey())) + " \":\" space " + value);
        }
        use("space");
        // rest(i, comma): members i.. where a comma is needed before the next one when `comma`; optional members
        // may be left out, so each tail exists in both forms (a linear number of rules).
        String[][] rest = new String[keys.size() + 1][2];
        rest[keys.size()][0] = "";
        rest[keys.size()][1] = "";
        for (int i = keys.size() - 1; i >= 0; i--) {
            for (int comma = 0; comma < 2; comma++) {
                String present = (comma == 1 ? "\",\" space " : "") + members.get(i) + tail(rest[i + 1][1]);
                String body = requiredNames.contains(keys.get(i)) ? present
                        : rest[i + 1][comma].isEmpty() ? "(" + present + ")?" : present + " | " + rest[i + 1][comma];
                String id = unique(name + "-rest" + i + (comma == 1 ? "c" : ""));
                rules.put(id, body);
                rest[i][comma] = id;
            }
        }
        return "\"{\" space " + rest[0][0] + " \"}\" space";
    }

    private static String tail(String rule) {
        return rule.isEmpty() ? "" : " " + rule;
    }

    private String array(JsonNode schema, String path, String name) {
        JsonNode items = schema.get("items");
        String item = items == null ? use("value") : rule(name + "-item", items, path + "/items");
        int min = count(schema, "minItems", path, 0);
        int max = count(schema, "maxItems", path, -1);
        if (max >= 0 && max < min) {
            throw new GrammarException("maxItems " + max + " is below minItems " + min + " at " + path);
        }
        use("space");
        if (max == 0) {
            return "\"[\" space \"]\" space";
        }
        String more = "(\",\" space " + item + ")" + repetition(Math.max(min - 1, 0), max < 0 ? -1 : max - 1);
        String list = item + " " + more;
        return "\"[\" space " + (min == 0 ? "(" + list + ")?" : list) + " \"]\" space";
    }

    private static String repetition(int min, int max) {
        if (max < 0) {
            return min == 0 ? "*" : min == 1 ? "+" : "{" + min + ",}";
        }
        return "{" + min + "," + max + "}";
    }

    private String string(JsonNode schema, String path) {
        if (schema.has("format")) {
            onlyWith(schema, path, "format", Set.of("type"));
            String format = schema.get("format").asText();
            String inner = switch (format) {
                case "date" -> use("date");
                case "time" -> use("time");
                case "date-time" -> use("date") + " \"T\" " + use("time");
                case "uuid" -> use("uuid");
                default -> throw new GrammarException("string format '" + format + "' at " + path
                        + " is not supported (date, time, date-time, uuid are)");
            };
            return "\"\\\"\" " + inner + " \"\\\"\" " + use("space");
        }
        int min = count(schema, "minLength", path, 0);
        int max = count(schema, "maxLength", path, -1);
        if (min == 0 && max < 0) {
            return use("string");
        }
        if (max >= 0 && max < min) {
            throw new GrammarException("maxLength " + max + " is below minLength " + min + " at " + path);
        }
        use("char");
        return "\"\\\"\" char" + repetition(min, max) + " \"\\\"\" " + use("space");
    }

    private String integer(JsonNode schema, String path) {
        Long min = bound(schema, "minimum", path, true, false);
        Long exclusiveMin = bound(schema, "exclusiveMinimum", path, true, true);
        Long max = bound(schema, "maximum", path, false, false);
        Long exclusiveMax = bound(schema, "exclusiveMaximum", path, false, true);
        min = tighter(min, exclusiveMin, true);
        max = tighter(max, exclusiveMax, false);
        if (min == null && max == null) {
            return use("integer");
        }
        return "(" + IntegerRangeGbnf.of(min, max) + ") " + use("space");
    }

    private static Long tighter(Long a, Long b, boolean lower) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return lower ? Long.valueOf(Math.max(a, b)) : Long.valueOf(Math.min(a, b));
    }

    /** The smallest (lower) or largest (upper) integer the bound allows. */
    private static Long bound(JsonNode schema, String keyword, String path, boolean lower, boolean exclusive) {
        JsonNode v = schema.get(keyword);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw new GrammarException(keyword + " at " + path + " must be a number, got " + v);
        }
        BigDecimal d = v.decimalValue();
        BigDecimal largest = BigDecimal.valueOf(IntegerRangeGbnf.LARGEST);
        if (d.abs().compareTo(largest) > 0) {
            if (lower == d.signum() > 0) {
                throw new GrammarException(keyword + " " + v + " at " + path + " leaves no integer of at most "
                        + IntegerRangeGbnf.MAX_DIGITS + " digits (the longest the grammar writes)");
            }
            return null; // beyond every integer the grammar writes: no bound
        }
        BigDecimal rounded = d.setScale(0, lower ? RoundingMode.CEILING : RoundingMode.FLOOR);
        long n = rounded.longValueExact();
        if (exclusive && rounded.compareTo(d) == 0) {
            n += lower ? 1 : -1;
        }
        return n;
    }

    private String number(JsonNode schema, String path) {
        for (String k : List.of("maximum", "exclusiveMinimum", "exclusiveMaximum")) {
            if (schema.has(k)) {
                throw new GrammarException(k + " on a number at " + path + " is not supported (on an integer it is)");
            }
        }
        JsonNode min = schema.get("minimum");
        if (min == null) {
            return use("number");
        }
        if (!min.isNumber() || min.decimalValue().signum() != 0) {
            throw new GrammarException("minimum " + min + " on a number at " + path
                    + " is not supported (only 0 is; any bound on an integer is)");
        }
        return use("non-negative-number");
    }

    private static int count(JsonNode schema, String keyword, String path, int absent) {
        JsonNode v = schema.get(keyword);
        if (v == null) {
            return absent;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 0) {
            throw new GrammarException(keyword + " at " + path + " must be a non-negative integer, got " + v);
        }
        return v.intValue();
    }

    /** The JSON text of {@code value} as a GBNF literal (then optional space). */
    private String literal(JsonNode value) {
        String json;
        try {
            json = JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return gbnfString(json) + " " + use("space");
    }

    /** {@code text} as a GBNF string literal. */
    public static String gbnfString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\x%02X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String group(List<String> alternatives) {
        return alternatives.size() == 1 ? alternatives.getFirst() : "(" + String.join(" | ", alternatives) + ")";
    }

    /** Adds a primitive rule (and those it uses) to the output; returns its name. */
    private String use(String primitive) {
        if (!rules.containsKey(primitive)) {
            rules.put(primitive, PRIMITIVES.get(primitive));
            for (String dependency : PRIMITIVE_USES.getOrDefault(primitive, List.of())) {
                use(dependency);
            }
        }
        return primitive;
    }

    private String unique(String name) {
        String base = sanitize(name);
        String id = base;
        for (int i = 2; rules.containsKey(id) || PRIMITIVES.containsKey(id) || id.equals("root"); i++) {
            id = base + "-" + i;
        }
        return id;
    }

    private static String sanitize(String name) {
        String s = name.replaceAll("[^A-Za-z0-9-]+", "-");
        return s.isEmpty() ? "x" : s;
    }
}
