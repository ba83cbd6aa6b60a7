package dev.basalt.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.basalt.engine.ChatFormat;
import dev.basalt.engine.GeneratedToken;
import dev.basalt.engine.GenerationOptions;
import dev.basalt.engine.GenerationResult;
import dev.basalt.engine.Generator;
import dev.basalt.engine.ToolCallFormat;
import dev.basalt.engine.grammar.GrammarException;
import dev.basalt.tokenizer.Tokenizer;
import dev.basalt.tokenizer.template.ChatMessage;
import dev.basalt.tokenizer.template.TemplateException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: one request takes one slot and generates one
 * choice, streamed as Server-Sent Events or returned as one JSON object. A streaming client that closes the
 * connection stops its generation at the next token, which frees the slot.
 */
final class CompletionHandler {
    /** Which of the two endpoints: they differ in how the prompt is given and in the shape of the choices. */
    enum Kind {
        CHAT("chat.completion", "chat.completion.chunk", "chatcmpl-"),
        TEXT("text_completion", "text_completion", "cmpl-");

        final String object;
        final String chunkObject;
        final String idPrefix;

        Kind(String object, String chunkObject, String idPrefix) {
            this.object = object;
            this.chunkObject = chunkObject;
            this.idPrefix = idPrefix;
        }
    }

    /** What a request needs to know of the server. */
    record Context(Tokenizer tokenizer, ChatFormat chatFormat, SlotPool slots, ServerMetrics metrics, String modelId,
            int contextLength, BooleanSupplier closing) {
    }

    private final Kind kind;
    private final Context server;

    CompletionHandler(Kind kind, Context server) {
        this.kind = kind;
        this.server = server;
    }

    void handle(HttpExchange exchange, JsonNode body) throws IOException {
        CompletionRequest request = CompletionRequest.parse(body, server.modelId());
        ToolsRequest tools = ToolsRequest.parse(body);
        if (tools != null && kind != Kind.CHAT) {
            throw ApiError.invalid("tools", "'tools' are for /v1/chat/completions");
        }
        int[] prompt = kind == Kind.CHAT ? chatPrompt(body, tools) : textPrompt(body);
        checkLength(prompt.length, request.maxTokens());
        GenerationOptions options = kind == Kind.CHAT ? server.chatFormat().forReplies(request.options()) : request.options();
        ToolCallFormat callFormat = tools == null || tools.choice() == ToolsRequest.Choice.NONE ? null
                : server.chatFormat().toolCallFormat();
        if (callFormat != null && tools.callRequired()) {
            try {
                options = options.withGrammar(callFormat.grammar(tools.functions(), tools.named()));
            } catch (GrammarException e) {
                throw ApiError.invalid("tools", "a function's parameters cannot be used as a JSON schema: " + e.getMessage());
            }
        }
        ToolCalls calls = callFormat == null ? null : new ToolCalls(callFormat, tools);
        Response response = new Response(kind.idPrefix + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()),
                Instant.now().getEpochSecond());
        Slot slot = server.slots().acquire(prompt);
        try {
            if (request.stream()) {
                stream(exchange, slot.generator(), prompt, options, request.includeUsage(), response, calls);
            } else {
                GenerationResult r = slot.generator().generate(prompt, options, token -> checkOpen());
                server.metrics().generated(r);
                JsonHttp.send(exchange, 200, response.whole(r, calls == null ? null : calls.parse(r.text())));
            }
        } finally {
            server.slots().release(slot);
        }
    }

    private void stream(HttpExchange exchange, Generator slot, int[] prompt, GenerationOptions options, boolean includeUsage,
            Response response, ToolCalls calls) throws IOException {
        EventStream events = new EventStream(exchange);
        try {
            if (kind == Kind.CHAT) {
                events.send(response.chunk(JsonNodeFactory.instance.objectNode().put("role", "assistant").put("content", ""), null));
            }
            // With tools, text that may be a call is held back until the reply shows whether it is one.
            StringBuilder held = new StringBuilder();
            Consumer<GeneratedToken> onToken = token -> {
                checkOpen();
                String text = token.text();
                if (calls != null && calls.undecided()) {
                    held.append(text);
                    if (calls.mayBeCall(held)) {
                        return;
                    }
                    calls.settled();
                    text = held.toString();
                    held.setLength(0);
                }
                if (!text.isEmpty()) {
                    events.send(response.chunk(text, null));
                }
            };
            GenerationResult r = slot.generate(prompt, options, onToken);
            server.metrics().generated(r);
            ToolCallFormat.Reply reply = held.isEmpty() ? null : calls.parse(held.toString());
            if (reply != null && !reply.calls().isEmpty()) {
                for (int i = 0; i < reply.calls().size(); i++) {
                    for (ObjectNode delta : ToolCalls.deltas(reply.calls().get(i), i)) {
                        events.send(response.chunk(delta, null));
                    }
                }
            } else if (!held.isEmpty()) {
                events.send(response.chunk(held.toString(), null));
            }
            String finish = reply != null && !reply.calls().isEmpty() ? "tool_calls" : finishReason(r);
            events.send(response.chunk(kind == Kind.CHAT ? JsonNodeFactory.instance.objectNode() : null, finish));
            if (includeUsage) {
                ObjectNode last = response.envelope(kind.chunkObject);
                last.putArray("choices");
                last.set("usage", usage(r));
                events.send(last);
            }
            events.done();
        } catch (ClientGoneException e) {
            server.metrics().clientDisconnected();
        } catch (ApiError e) {
            // The 200 headers are out: the error goes in the stream, as OpenAI sends errors mid-stream.
            server.metrics().error(e.status);
            sendQuietly(events, e.toJson());
        } catch (RuntimeException e) {
            server.metrics().error(500);
            sendQuietly(events, ApiError.internal("generation failed: " + e).toJson());
        }
    }

    private static void sendQuietly(EventStream events, JsonNode data) {
        try {
            events.send(data);
        } catch (ClientGoneException gone) {
            // nobody left to tell
        }
    }

    private void checkOpen() {
        if (server.closing().getAsBoolean()) {
            throw ApiError.unavailable("the server is shutting down");
        }
    }

    private int[] chatPrompt(JsonNode body, ToolsRequest tools) {
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiError.invalid("messages", "'messages' must be a non-empty list of messages");
        }
        if (server.chatFormat() == null) {
            throw ApiError.invalid("messages", "the model '" + server.modelId() + "' has no chat template and the server was "
                    + "started without one: use /v1/completions, or restart the server with a template (--template <file>)");
        }
        List<ChatMessage> conversation = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m;
            try {
                m = ChatMessage.fromJson(messages.get(i));
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid("messages[" + i + "]", e.getMessage());
            }
            for (int j = 0; j < m.toolCalls().size(); j++) {
                String name = m.toolCalls().get(j).name();
                if (tools == null || !tools.names().contains(name)) {
                    throw ApiError.invalid("messages[" + i + "].tool_calls[" + j + "]", "messages[" + i + "].tool_calls[" + j
                            + "] calls '" + name + "', which is not among the declared tools " + (tools == null ? "(none)" : tools.names()));
                }
            }
            conversation.add(m);
        }
        try {
            return server.chatFormat().promptTokens(conversation, tools == null ? null : tools.definitions());
        } catch (TemplateException e) {
            throw ApiError.invalid("messages", "the chat template refused the conversation: " + e.reason());
        }
    }

    private int[] textPrompt(JsonNode body) {
        JsonNode prompt = body.get("prompt");
        if (prompt != null && prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            prompt = prompt.get(0);
        }
        if (prompt != null && prompt.isTextual()) {
            return server.tokenizer().encode(prompt.asText(), true, false);
        }
        if (prompt != null && prompt.isArray() && !prompt.isEmpty()) {
            int vocab = server.tokenizer().vocabulary().size();
            int[] ids = new int[prompt.size()];
            for (int i = 0; i < ids.length; i++) {
                JsonNode id = prompt.get(i);
                if (!id.canConvertToExactIntegral() || !id.isNumber() || id.asLong() < 0 || id.asLong() >= vocab) {
                    throw ApiError.invalid("prompt", "'prompt' must be a string or a list of token ids in [0, " + vocab
                            + "); element " + i + " is " + id);
                }
                ids[i] = id.asInt();
            }
            return ids;
        }
        throw ApiError.invalid("prompt", "'prompt' must be a string, a list with one string, or a list of token ids"
                + " (one prompt per request)");
    }

    /** OpenAI's refusal, before any work, of a prompt (plus token limit) longer than a slot's context. */
    private void checkLength(int promptTokens, int maxTokens) {
        int ctx = server.contextLength();
        if (promptTokens >= ctx) {
            throw ApiError.contextLengthExceeded("This model's maximum context length is " + ctx + " tokens. However, your "
                    + (kind == Kind.CHAT ? "messages" : "prompt") + " resulted in " + promptTokens + " tokens. Please reduce its length.");
        }
        if ((long) promptTokens + maxTokens > ctx) {
            throw ApiError.contextLengthExceeded("This model's maximum context length is " + ctx + " tokens. However, you requested "
                    + (promptTokens + maxTokens) + " tokens (" + promptTokens + " in the " + (kind == Kind.CHAT ? "messages" : "prompt")
                    + ", " + maxTokens + " in the completion). Please reduce the length of the "
                    + (kind == Kind.CHAT ? "messages" : "prompt") + " or completion.");
        }
    }

    private static String finishReason(GenerationResult r) {
        return switch (r.stopReason()) {
            case END_OF_GENERATION, STOP_STRING, GRAMMAR_COMPLETE -> "stop";
            case MAX_TOKENS, CONTEXT_FULL -> "length";
        };
    }

    private static ObjectNode usage(GenerationResult r) {
        ObjectNode usage = JsonNodeFactory.instance.objectNode();
        usage.put("prompt_tokens", r.promptTokens());
        usage.put("completion_tokens", r.generatedTokens());
        usage.put("total_tokens", r.promptTokens() + r.generatedTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", r.reusedPromptTokens());
        return usage;
    }

    /** The JSON objects of one response; they share the id and creation time. */
    private final class Response {
        private final String id;
        private final long created;

        Response(String id, long created) {
            this.id = id;
            this.created = created;
        }

        ObjectNode envelope(String object) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("id", id);
            o.put("object", object);
            o.put("created", created);
            o.put("model", server.modelId());
            return o;
        }

        /** The complete (non-streamed) response; {@code reply} holds the tool calls, if any (else null). */
        ObjectNode whole(GenerationResult r, ToolCallFormat.Reply reply) {
            ObjectNode o = envelope(kind.object);
            ObjectNode choice = o.putArray("choices").addObject();
            choice.put("index", 0);
            boolean called = reply != null && !reply.calls().isEmpty();
            if (kind == Kind.CHAT) {
                ObjectNode message = choice.putObject("message").put("role", "assistant");
                if (called) {
                    if (reply.content().isEmpty()) {
                        message.putNull("content");
                    } else {
                        message.put("content", reply.content());
                    }
                    ArrayNode list = message.putArray("tool_calls");
                    reply.calls().forEach(c -> list.add(ToolCalls.json(c)));
                } else {
                    message.put("content", r.text());
                }
            } else {
                choice.put("text", r.text());
            }
            choice.putNull("logprobs");
            choice.put("finish_reason", called ? "tool_calls" : finishReason(r));
            o.set("usage", usage(r));
            return o;
        }

        /** A chunk with streamed text. */
        ObjectNode chunk(String text, String finishReason) {
            return kind == Kind.CHAT ? chunk(JsonNodeFactory.instance.objectNode().put("content", text), finishReason)
                    : chunk(JsonNodeFactory.instance.textNode(text), finishReason);
        }

        /** A chunk whose choice holds {@code delta} (chat) or {@code text} (text completion; null = ""). */
        ObjectNode chunk(JsonNode content, String finishReason) {
            ObjectNode o = envelope(kind.chunkObject);
            ArrayNode choices = o.putArray("choices");
            ObjectNode choice = choices.addObject();
            choice.put("index", 0);
            if (kind == Kind.CHAT) {
                choice.set("delta", content);
            } else {
                choice.put("text", content == null ? "" : content.asText());
            }
            choice.putNull("logprobs");
            choice.put("finish_reason", finishReason);
            return o;
        }
    }
}
