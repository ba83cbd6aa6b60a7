package dev.basalt.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.engine.ToolCallFormat.Function;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code tools} and {@code tool_choice} of a chat request, checked: each tool a function with a valid name
 * and an object of parameters; the choice {@code none}, {@code auto} (the default), {@code required}, or
 * {@code {"type": "function", "function": {"name": ...}}} naming a declared function.
 *
 * @param definitions the tools as sent, for the chat template
 * @param named the function a named choice requires, else null
 */
record ToolsRequest(JsonNode definitions, List<Function> functions, Choice choice, String named) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    enum Choice { NONE, AUTO, REQUIRED, NAMED }

    /** The tools of {@code body}, or null when it declares none. */
    static ToolsRequest parse(JsonNode body) {
        JsonNode tools = body.get("tools");
        JsonNode choice = body.get("tool_choice");
        if (tools == null || tools.isNull() || tools.isArray() && tools.isEmpty()) {
            if (choice != null && !choice.isNull() && !(choice.isTextual() && choice.asText().equals("none"))) {
                throw ApiError.invalid("tool_choice", "'tool_choice' " + choice + " needs 'tools'");
            }
            return null;
        }
        if (!tools.isArray()) {
            throw ApiError.invalid("tools", "'tools' must be a list of {\"type\": \"function\", \"function\": {...}}");
        }
        List<Function> functions = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            String where = "tools[" + i + "]";
            JsonNode tool = tools.get(i);
            if (!tool.path("type").asText().equals("function") || !tool.path("function").isObject()) {
                throw ApiError.invalid(where, where + " must be {\"type\": \"function\", \"function\": {...}}, got " + tool);
            }
            JsonNode f = tool.get("function");
            String name = f.path("name").asText("");
            if (!NAME.matcher(name).matches()) {
                throw ApiError.invalid(where + ".function.name", where + ".function.name must be 1 to 64 letters, digits, "
                        + "'_' or '-', got " + f.get("name"));
            }
            if (functions.stream().anyMatch(fn -> fn.name().equals(name))) {
                throw ApiError.invalid(where + ".function.name", "function '" + name + "' is declared twice");
            }
            JsonNode parameters = f.get("parameters");
            if (parameters != null && !parameters.isObject()) {
                throw ApiError.invalid(where + ".function.parameters", where + ".function.parameters must be a JSON Schema object");
            }
            functions.add(new Function(name, parameters));
        }
        if (choice == null || choice.isNull() || choice.isTextual() && choice.asText().equals("auto")) {
            return new ToolsRequest(tools, functions, Choice.AUTO, null);
        }
        if (choice.isTextual() && choice.asText().equals("none")) {
            return new ToolsRequest(tools, functions, Choice.NONE, null);
        }
        if (choice.isTextual() && choice.asText().equals("required")) {
            return new ToolsRequest(tools, functions, Choice.REQUIRED, null);
        }
        String named = choice.path("function").path("name").asText(null);
        if (!choice.path("type").asText().equals("function") || named == null) {
            throw ApiError.invalid("tool_choice", "'tool_choice' must be \"none\", \"auto\", \"required\" or "
                    + "{\"type\": \"function\", \"function\": {\"name\": ...}}, got " + choice);
        }
        if (functions.stream().noneMatch(fn -> fn.name().equals(named))) {
            throw ApiError.invalid("tool_choice", "'tool_choice' names function '" + named + "', which is not among the tools "
                    + names(functions));
        }
        return new ToolsRequest(tools, functions, Choice.NAMED, named);
    }

    List<String> names() {
        return names(functions);
    }

    private static List<String> names(List<Function> functions) {
        return functions.stream().map(Function::name).toList();
    }

    /** Whether the reply must be a call (so it is constrained to one). */
    boolean callRequired() {
        return choice == Choice.REQUIRED || choice == Choice.NAMED;
    }
}
