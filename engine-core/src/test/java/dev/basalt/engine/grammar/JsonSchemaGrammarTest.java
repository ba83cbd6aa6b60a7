package dev.basalt.engine.grammar;

import static dev.basalt.engine.grammar.GbnfGrammarTest.accepts;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** JSON Schema keywords turned into grammars: documents each must accept and reject, and the refusals. */
class JsonSchemaGrammarTest {

    private static Grammar schema(String json) {
        return Grammar.fromJsonSchema(json);
    }

    private static void rejects(Grammar g, String... texts) {
        for (String t : texts) {
            assertFalse(g.matches(t), () -> "should reject " + t + " with\n" + g.gbnf());
        }
    }

    @Test
    void objectWithRequiredAndOptionalProperties() {
        Grammar g = schema("""
                {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}, "c": {"type": "boolean"}},
                 "required": ["b"], "additionalProperties": false}""");
        accepts(g, "{\"b\": \"x\"}", "{\"a\": 1, \"b\": \"x\"}", "{\"b\": \"x\", \"c\": true}", "{\"a\":-3,\"b\":\"\",\"c\":false}");
        rejects(g, "{}", "{\"a\": 1}", "{\"b\": 1}", "{\"b\": \"x\",}", "{, \"b\": \"x\"}", "{\"b\": \"x\", \"d\": 1}",
                "{\"a\": 1 \"b\": \"x\"}");
    }

    @Test
    void allOptionalPropertiesAllowTheEmptyObject() {
        Grammar g = schema("{\"properties\": {\"x\": {\"type\": \"null\"}, \"y\": {\"type\": \"null\"}}}");
        accepts(g, "{}", "{\"x\": null}", "{\"y\": null}", "{\"x\": null, \"y\": null}");
        rejects(g, "{\"y\": null, \"x\": null}", "{,}");
    }

    @Test
    void mapsFromAdditionalPropertiesSchemas() {
        Grammar g = schema("{\"type\": \"object\", \"additionalProperties\": {\"type\": \"integer\"}}");
        accepts(g, "{}", "{\"any\": 1, \"other\": 2}");
        rejects(g, "{\"any\": \"1\"}");
        accepts(schema("{\"type\": \"object\"}"), "{\"free\": [1, {\"x\": null}]}");
        accepts(schema("{\"type\": \"object\", \"additionalProperties\": false}"), "{}");
        rejects(schema("{\"type\": \"object\", \"additionalProperties\": false}"), "{\"a\": 1}");
    }

    @Test
    void arraysWithBounds() {
        Grammar g = schema("{\"type\": \"array\", \"items\": {\"type\": \"integer\"}, \"minItems\": 1, \"maxItems\": 3}");
        accepts(g, "[1]", "[1, 2]", "[1,2,3]");
        rejects(g, "[]", "[1,2,3,4]", "[1,]", "[\"a\"]");
        accepts(schema("{\"type\": \"array\"}"), "[]", "[1, \"a\", null, [true]]");
        accepts(schema("{\"type\": \"array\", \"maxItems\": 0}"), "[]");
        rejects(schema("{\"type\": \"array\", \"maxItems\": 0}"), "[1]");
        Grammar atLeastTwo = schema("{\"type\": \"array\", \"items\": {\"type\": \"null\"}, \"minItems\": 2}");
        accepts(atLeastTwo, "[null, null]", "[null, null, null, null]");
        rejects(atLeastTwo, "[null]");
    }

    @Test
    void stringsWithLengthsEnumsAndConst() {
        Grammar g = schema("{\"type\": \"string\", \"minLength\": 2, \"maxLength\": 3}");
        accepts(g, "\"ab\"", "\"abc\"", "\"é\\n\"", "\"\\u00e9x\"");
        rejects(g, "\"a\"", "\"abcd\"", "\"a\nb\"");
        Grammar e = schema("{\"enum\": [\"red\", \"say \\\"hi\\\"\", 3, null, {\"k\": [1]}]}");
        accepts(e, "\"red\"", "\"say \\\"hi\\\"\"", "3", "null", "{\"k\":[1]}");
        rejects(e, "\"blue\"", "4", "\"3\"");
        accepts(schema("{\"const\": \"only\"}"), "\"only\"");
        rejects(schema("{\"const\": \"only\"}"), "\"other\"");
    }

    @Test
    void stringFormats() {
        Grammar date = schema("{\"type\": \"string\", \"format\": \"date\"}");
        accepts(date, "\"2024-02-29\"", "\"1999-12-31\"");
        rejects(date, "\"2024-13-01\"", "\"2024-1-01\"", "\"2024-00-10\"", "\"24-01-01\"");
        Grammar time = schema("{\"type\": \"string\", \"format\": \"time\"}");
        accepts(time, "\"23:59:59Z\"", "\"08:00:00.123+02:00\"");
        rejects(time, "\"24:00:00Z\"", "\"08:00\"", "\"08:00:00\"");
        accepts(schema("{\"type\": \"string\", \"format\": \"date-time\"}"), "\"2024-05-01T10:20:30Z\"");
        Grammar uuid = schema("{\"type\": \"string\", \"format\": \"uuid\"}");
        accepts(uuid, "\"123e4567-e89b-12d3-a456-426614174000\"");
        rejects(uuid, "\"123e4567e89b12d3a456426614174000\"", "\"123e4567-e89b-12d3-a456-42661417400g\"");
    }

    @Test
    void numbersIntegersAndBounds() {
        Grammar n = schema("{\"type\": \"number\"}");
        accepts(n, "0", "-1.5", "3e10", "2.25E-3", "10");
        rejects(n, "01", "1.", ".5", "+1", "1e");
        Grammar i = schema("{\"type\": \"integer\", \"minimum\": -3, \"exclusiveMaximum\": 20}");
        accepts(i, "-3", "0", "19");
        rejects(i, "-4", "20", "1.0");
        accepts(schema("{\"type\": \"number\", \"minimum\": 0}"), "0.5", "7");
        rejects(schema("{\"type\": \"number\", \"minimum\": 0}"), "-0.5");
        accepts(schema("{\"type\": \"integer\", \"exclusiveMinimum\": 0.5}"), "1", "99999");
        rejects(schema("{\"type\": \"integer\", \"exclusiveMinimum\": 0.5}"), "0");
        accepts(schema("{\"type\": \"boolean\"}"), "true", "false");
        accepts(schema("{\"type\": \"null\"}"), "null");
    }

    @Test
    void anyOfOneOfAndTypeLists() {
        Grammar g = schema("{\"anyOf\": [{\"type\": \"integer\"}, {\"type\": \"array\", \"items\": {\"type\": \"string\"}}]}");
        accepts(g, "5", "[\"a\"]");
        rejects(g, "\"a\"", "[1]");
        accepts(schema("{\"oneOf\": [{\"type\": \"null\"}, {\"type\": \"boolean\"}]}"), "null", "true");
        Grammar nullable = schema("{\"type\": [\"string\", \"null\"], \"maxLength\": 1}");
        accepts(nullable, "null", "\"a\"");
        rejects(nullable, "\"ab\"");
    }

    @Test
    void referencesIntoDefsAndRecursion() {
        Grammar g = schema("""
                {"$defs": {"node": {"type": "object", "properties": {"value": {"type": "integer"},
                   "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}, "required": ["value"]}},
                 "$ref": "#/$defs/node"}""");
        accepts(g, "{\"value\": 1}", "{\"value\": 1, \"children\": [{\"value\": 2, \"children\": [{\"value\": 3}]}]}");
        rejects(g, "{\"children\": []}", "{\"value\": 1, \"children\": [{}]}");
        accepts(schema("{\"definitions\": {\"b\": {\"type\": \"boolean\"}}, \"type\": \"array\", "
                + "\"items\": {\"$ref\": \"#/definitions/b\"}}"), "[true, false]");
    }

    @Test
    void deepNesting() {
        String schema = "{\"type\": \"integer\"}";
        String doc = "7";
        for (int depth = 0; depth < 12; depth++) {
            schema = depth % 2 == 0 ? "{\"type\": \"array\", \"items\": " + schema + "}"
                    : "{\"type\": \"object\", \"properties\": {\"k\": " + schema + "}, \"required\": [\"k\"]}";
            doc = depth % 2 == 0 ? "[" + doc + "]" : "{\"k\": " + doc + "}";
        }
        accepts(schema(schema), doc);
    }

    @Test
    void unsupportedKeywordsAreNamed() {
        GrammarException e = assertThrows(GrammarException.class,
                () -> schema("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\", \"pattern\": \"^x\"}}}"));
        assertTrue(e.getMessage().contains("unsupported JSON Schema keyword pattern at #/properties/a"), e.getMessage());
        e = assertThrows(GrammarException.class, () -> schema("{\"allOf\": [{}], \"not\": {}}"));
        assertTrue(e.getMessage().contains("keywords allOf, not"), e.getMessage());
        e = assertThrows(GrammarException.class, () -> schema("{\"type\": \"string\", \"format\": \"email\"}"));
        assertTrue(e.getMessage().contains("format 'email'"), e.getMessage());
        e = assertThrows(GrammarException.class, () -> schema("{\"type\": \"number\", \"maximum\": 3}"));
        assertTrue(e.getMessage().contains("maximum on a number"), e.getMessage());
    }

    @Test
    void invalidSchemasAreRefused() {
        assertTrue(assertThrows(GrammarException.class, () -> schema("{\"type\": "))
                .getMessage().contains("not valid JSON"));
        assertTrue(assertThrows(GrammarException.class, () -> schema("{\"type\": \"text\"}"))
                .getMessage().contains("type at # must be one of"));
        assertTrue(assertThrows(GrammarException.class, () -> schema("{\"$ref\": \"#/$defs/missing\"}"))
                .getMessage().contains("points to nothing"));
        assertTrue(assertThrows(GrammarException.class, () -> schema("{\"$ref\": \"http://example.com/s.json\"}"))
                .getMessage().contains("only references into this schema"));
        assertTrue(assertThrows(GrammarException.class,
                () -> schema("{\"properties\": {\"a\": {}}, \"required\": [\"b\"]}")).getMessage().contains("\"b\""));
        assertTrue(assertThrows(GrammarException.class, () -> schema("{\"type\": \"array\", \"minItems\": 3, \"maxItems\": 1}"))
                .getMessage().contains("below minItems"));
        assertTrue(assertThrows(GrammarException.class, () -> schema("{\"type\": \"integer\", \"minimum\": 5, \"maximum\": 1}"))
                .getMessage().contains("no integer fits"));
        assertTrue(assertThrows(GrammarException.class, () -> schema("false")).getMessage().contains("nothing is valid"));
    }
}
