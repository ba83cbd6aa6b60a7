package dev.basalt.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;

/**
 * Random JSON Schemas for property tests: nested objects (required and optional properties), arrays with bounds,
 * strings with lengths, enums and consts, bounded integers, numbers, booleans, nulls, type lists, anyOf over
 * distinct types and $ref into $defs. Every schema has a bounded longest document ({@link #maxBytes}), so a
 * constrained generation must end within a known number of tokens.
 */
final class RandomSchemas {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] KEYS = {"id", "name", "tags", "x", "clé", "say \"hi\"", "a b", "n", "items", "ok"};
    private static final String[] WORDS = {"red", "green", "blue", "é", "\"q\"", "back\\slash", "new\nline", "日本"};

    private final SplittableRandom random;

    RandomSchemas(long seed) {
        random = new SplittableRandom(seed);
    }

    /** A schema whose longest valid document (as the grammar writes it) is at most {@code budget} bytes. */
    ObjectNode next(int budget) {
        while (true) {
            ObjectNode s = schema(0);
            if (random.nextInt(5) == 0) {
                ObjectNode defs = F.objectNode();
                defs.set("item", schema(1));
                ObjectNode root = F.objectNode();
                root.set("$defs", defs);
                root.put("type", "array");
                root.set("items", F.objectNode().put("$ref", "#/$defs/item"));
                root.put("maxItems", 2);
                s = root;
            }
            if (maxBytes(s, s) <= budget) {
                return s;
            }
        }
    }

    private ObjectNode schema(int depth) {
        // Containers mostly at the top, scalars mostly at the bottom.
        int kind = depth == 0 && random.nextInt(4) > 0 ? 7 + random.nextInt(3) : random.nextInt(depth >= 2 ? 7 : 10);
        ObjectNode s = F.objectNode();
        switch (kind) {
            case 0 -> {
                s.put("type", "string");
                int min = random.nextInt(3);
                s.put("minLength", min).put("maxLength", min + random.nextInt(4));
            }
            case 1 -> {
                s.put("type", "integer");
                int lo = random.nextInt(-500, 500);
                if (random.nextBoolean()) {
                    s.put("minimum", lo);
                }
                if (random.nextBoolean()) {
                    s.put("maximum", lo + random.nextInt(1000));
                }
            }
            case 2 -> s.put("type", random.nextBoolean() ? "number" : "boolean");
            case 3 -> {
                ArrayNode values = s.putArray("enum");
                int n = 1 + random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    switch (random.nextInt(3)) {
                        case 0 -> values.add(WORDS[random.nextInt(WORDS.length)] + i);
                        case 1 -> values.add(random.nextInt(-99, 99));
                        default -> values.addNull();
                    }
                }
            }
            case 4 -> s.set("const", F.textNode(WORDS[random.nextInt(WORDS.length)]));
            case 5 -> {
                ArrayNode types = s.putArray("type");
                types.add("string").add("null");
                s.put("maxLength", 3);
            }
            case 6 -> s.put("type", "null");
            case 7, 8 -> {
                s.put("type", "object");
                ObjectNode props = s.putObject("properties");
                ArrayNode required = F.arrayNode();
                int n = 1 + random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    String key = KEYS[random.nextInt(KEYS.length)];
                    if (props.has(key)) {
                        continue;
                    }
                    props.set(key, schema(depth + 1));
                    if (random.nextBoolean()) {
                        required.add(key);
                    }
                }
                if (!required.isEmpty()) {
                    s.set("required", required);
                }
                if (random.nextBoolean()) {
                    s.put("additionalProperties", false);
                }
            }
            default -> {
                if (random.nextBoolean()) {
                    s.put("type", "array");
                    s.set("items", schema(depth + 1));
                    int min = random.nextInt(2);
                    s.put("minItems", min).put("maxItems", min + random.nextInt(3));
                } else {
                    ArrayNode anyOf = s.putArray("anyOf");
                    anyOf.add(F.objectNode().put("type", "integer").put("minimum", 0).put("maximum", 99));
                    anyOf.add(schema(depth + 1).put("title", "second"));
                }
            }
        }
        return s;
    }

    /** The most bytes a document of {@code s} can take as the grammar writes it (one space after each token). */
    static int maxBytes(JsonNode s, JsonNode root) {
        if (s.has("$ref")) {
            return maxBytes(root.at(s.get("$ref").asText().substring(1)), root);
        }
        if (s.has("const")) {
            return s.get("const").toString().length() * 3 + 1;
        }
        if (s.has("enum")) {
            int max = 0;
            for (JsonNode v : s.get("enum")) {
                max = Math.max(max, v.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1);
            }
            return max;
        }
        if (s.has("anyOf")) {
            int max = 0;
            for (JsonNode b : s.get("anyOf")) {
                max = Math.max(max, maxBytes(b, root));
            }
            return max;
        }
        JsonNode type = s.get("type");
        if (type.isArray()) {
            return 3 + 6 * s.get("maxLength").asInt() + 1;
        }
        return switch (type.asText()) {
            case "string" -> 3 + 6 * s.get("maxLength").asInt();
            case "integer" -> 18;
            case "number" -> 41;
            case "boolean", "null" -> 6;
            case "array" -> 4 + s.get("maxItems").asInt() * (maxBytes(s.get("items"), root) + 2);
            case "object" -> {
                int total = 4;
                for (var it = s.get("properties").fields(); it.hasNext(); ) {
                    var p = it.next();
                    total += p.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length * 2 + 7
                            + maxBytes(p.getValue(), root);
                }
                yield total;
            }
            default -> throw new IllegalStateException(type.toString());
        };
    }
}
