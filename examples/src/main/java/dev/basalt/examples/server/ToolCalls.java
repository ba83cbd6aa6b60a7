package dev.basalt.examples.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.engine.ToolCallFormat;
import dev.basalt.tokenizer.template.ToolCall;
import java.util.List;

/**
 * The tool calls of one chat reply: whether streamed text may still turn out to be a call (so it is held back),
 * the calls parsed from the reply, and their OpenAI JSON (whole, or as stream deltas).
 */
final class ToolCalls {
    private final ToolCallFormat format;
    private final ToolsRequest tools;
    private boolean settled;

    ToolCalls(ToolCallFormat format, ToolsRequest tools) {
        this.format = format;
        this.tools = tools;
    }

    /** Whether the reply may still be a call: not yet known to be plain text. */
    boolean undecided() {
        return !settled;
    }

    /** The reply is plain text: stream it from now on. */
    void settled() {
        settled = true;
    }

    /**
     * Whether {@code text}, the start of the reply, may be (the start of) a call: always when a call is required,
     * else when it begins with the format's opening (or a part of it).
     */
    boolean mayBeCall(CharSequence text) {
        if (tools.callRequired()) {
            return true;
        }
        String start = text.toString().stripLeading();
        String prefix = format.callPrefix();
        return start.length() <= prefix.length() ? prefix.startsWith(start) : start.startsWith(prefix);
    }

    ToolCallFormat.Reply parse(String text) {
        return format.parse(text, tools.names());
    }

    /** {@code {"id", "type": "function", "function": {"name", "arguments"}}}, arguments as JSON text. */
    static ObjectNode json(ToolCall call) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", call.id());
        o.put("type", call.type());
        o.putObject("function").put("name", call.name()).put("arguments", String.valueOf(call.arguments()));
        return o;
    }

    /**
     * The stream deltas of call {@code index}: first its id, type and name with empty arguments, then the
     * arguments, as OpenAI streams them (clients concatenate the argument pieces).
     */
    static List<ObjectNode> deltas(ToolCall call, int index) {
        ObjectNode head = JsonNodeFactory.instance.objectNode();
        ObjectNode first = head.putArray("tool_calls").addObject();
        first.put("index", index).put("id", call.id()).put("type", call.type());
        first.putObject("function").put("name", call.name()).put("arguments", "");
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putArray("tool_calls").addObject().put("index", index).putObject("function")
                .put("arguments", String.valueOf(call.arguments()));
        return List.of(head, body);
    }
}
