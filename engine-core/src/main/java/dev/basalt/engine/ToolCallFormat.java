package dev.basalt.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.engine.grammar.Grammar;
import dev.basalt.engine.grammar.JsonSchemaGrammar;
import dev.basalt.tokenizer.template.ChatTemplate;
import dev.basalt.tokenizer.template.ToolCall;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a model family writes a function call in its reply, recognized from its chat template: Llama 3.1/3.2
 * ({@code {"name": ..., "parameters": {...}}}, optionally after {@code <|python_tag|>}), Hermes and Qwen
 * ({@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>}), and Mistral ({@code [TOOL_CALLS][{"name":
 * ..., "arguments": {...}}]}, or {@code [TOOL_CALLS]name[ARGS]{...}}). Turns a reply into calls, and gives the
 * grammar of a reply that is exactly one call of a declared function with arguments valid against its schema.
 */
public enum ToolCallFormat {
    LLAMA3("", "", "parameters"),
    HERMES("<tool_call>\n", "\n</tool_call>", "arguments"),
    MISTRAL("[TOOL_CALLS][", "]", "arguments");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HERMES_CALL = Pattern.compile("<tool_call>\\s*(.*?)\\s*</tool_call>", Pattern.DOTALL);
    private static final Pattern MISTRAL_ARGS = Pattern.compile("\\[TOOL_CALLS\\]\\s*([A-Za-z0-9_.-]+)\\[ARGS\\]\\s*(.*)", Pattern.DOTALL);

    private final String before;
    private final String after;
    private final String argumentsKey;

    ToolCallFormat(String before, String after, String argumentsKey) {
        this.before = before;
        this.after = after;
        this.argumentsKey = argumentsKey;
    }

    /** A declared function: its name and the JSON Schema of its arguments (an empty object schema when none). */
    public record Function(String name, JsonNode parameters) {}

    /** A reply split into its text and the calls it makes. */
    public record Reply(String content, List<ToolCall> calls) {}

    /** The format the template writes calls in; Hermes' when the template shows none. */
    public static ToolCallFormat of(ChatTemplate template) {
        String source = template.source();
        if (source.contains("[TOOL_CALLS]")) {
            return MISTRAL;
        }
        if (source.contains("<|python_tag|>") || source.contains("\"parameters\": dictionary of argument name")) {
            return LLAMA3;
        }
        return HERMES;
    }

    /** What a reply that makes a call starts with (after white space); for Llama 3, the opening of the JSON. */
    public String callPrefix() {
        return this == LLAMA3 ? "{\"name\"" : before.strip();
    }

    /**
     * The grammar of a reply that is exactly one call: of {@code functions}' one named {@code only}, or any of them
     * when {@code only} is null; the arguments are valid against the function's parameter schema.
     *
     * @throws dev.basalt.engine.grammar.GrammarException when a parameter schema cannot be turned into a grammar
     */
    public Grammar grammar(List<Function> functions, String only) {
        ArrayNode anyOf = JsonNodeFactory.instance.arrayNode();
        for (Function f : functions) {
            if (only != null && !only.equals(f.name())) {
                continue;
            }
            ObjectNode call = anyOf.addObject();
            call.put("type", "object");
            ObjectNode properties = call.putObject("properties");
            properties.putObject("name").put("const", f.name());
            properties.set(argumentsKey, f.parameters() == null ? JsonNodeFactory.instance.objectNode().put("type", "object")
                    : f.parameters());
            call.putArray("required").add("name").add(argumentsKey);
        }
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        schema.set("anyOf", anyOf);
        String calls = JsonSchemaGrammar.toGbnf(schema, "call");
        return Grammar.parse("root ::= " + JsonSchemaGrammar.gbnfString(before) + " call " + JsonSchemaGrammar.gbnfString(after)
                + "\n" + calls);
    }

    /**
     * The calls in {@code text} of functions among {@code declared} (names), and the text around them. A reply
     * whose call does not parse, or names an undeclared function, is all content.
     */
    public Reply parse(String text, List<String> declared) {
        List<JsonNode> found = new ArrayList<>();
        String content = text;
        String trimmed = text.strip();
        switch (this) {
            case HERMES -> {
                Matcher m = HERMES_CALL.matcher(text);
                StringBuilder rest = new StringBuilder();
                int last = 0;
                while (m.find()) {
                    JsonNode call = json(m.group(1));
                    if (call == null) {
                        return new Reply(text, List.of());
                    }
                    found.add(call);
                    rest.append(text, last, m.start());
                    last = m.end();
                }
                content = rest.append(text.substring(last)).toString().strip();
            }
            case MISTRAL -> {
                Matcher args = MISTRAL_ARGS.matcher(trimmed);
                if (args.matches()) {
                    JsonNode arguments = json(args.group(2));
                    if (arguments != null) {
                        found.add(JsonNodeFactory.instance.objectNode().put("name", args.group(1)).set("arguments", arguments));
                    }
                } else if (trimmed.startsWith("[TOOL_CALLS]")) {
                    JsonNode list = json(trimmed.substring("[TOOL_CALLS]".length()));
                    if (list != null) {
                        (list.isArray() ? list : JsonNodeFactory.instance.arrayNode().add(list)).forEach(found::add);
                    }
                }
                content = "";
            }
            case LLAMA3 -> {
                String body = trimmed.startsWith("<|python_tag|>") ? trimmed.substring("<|python_tag|>".length()) : trimmed;
                for (String part : body.split(";\\s*(?=\\{)")) { // several calls are written one after the other with ';'
                    JsonNode call = json(part);
                    if (call == null) {
                        return new Reply(text, List.of());
                    }
                    found.add(call);
                }
                content = "";
            }
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : found) {
            JsonNode name = call.get("name");
            JsonNode arguments = call.has(argumentsKey) ? call.get(argumentsKey) : call.get("arguments");
            if (name == null || !name.isTextual() || !declared.contains(name.asText()) || arguments == null
                    || !arguments.isObject()) {
                return new Reply(text, List.of());
            }
            calls.add(ToolCall.function("call_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()),
                    name.asText(), arguments.toString()));
        }
        return calls.isEmpty() ? new Reply(text, List.of()) : new Reply(content, calls);
    }

    private static JsonNode json(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && (node.isObject() || node.isArray()) ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
