package dev.basalt.engine;

import dev.basalt.tokenizer.template.ChatMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * A chat with a model that keeps its KV cache between turns. Each reply renders the whole conversation with the
 * {@link ChatFormat}, and the {@link Generator} runs only the tokens after the prefix already in the cache, so the
 * history is not processed again. Replies stop at an end-of-generation token, the template's end of turn, a stop
 * string or the token limit, and are appended as assistant messages.
 *
 * <p>Not thread-safe: one thread at a time (conversations of one model may run in parallel).
 */
public final class Conversation implements AutoCloseable {
    private final ChatFormat format;
    private final Generator generator;
    private final GenerationOptions options;
    private final List<ChatMessage> messages = new ArrayList<>();

    Conversation(ChatFormat format, Generator generator, GenerationOptions options) {
        this.format = format;
        this.generator = generator;
        this.options = format.forReplies(options);
    }

    /** Appends a message (system, user, assistant, tool) without generating anything. */
    public Conversation add(ChatMessage message) {
        messages.add(message);
        return this;
    }

    public List<ChatMessage> messages() {
        return Collections.unmodifiableList(messages);
    }

    /** Tokens held in the KV cache: what the next turn need not process again if the conversation still starts so. */
    public int cachedTokens() {
        return generator.cachedTokens();
    }

    /**
     * Adds a user message and generates the reply. If generation fails (e.g. the context is full), the user
     * message is taken back, so the conversation is as before the call.
     */
    public GenerationResult send(String userText, Consumer<GeneratedToken> onToken) {
        messages.add(ChatMessage.user(userText));
        try {
            return reply(onToken);
        } catch (RuntimeException e) {
            messages.removeLast();
            throw e;
        }
    }

    /**
     * Generates the assistant's next turn for the messages as they stand, streaming it to {@code onToken}, and
     * appends it as an assistant message.
     *
     * @throws ContextOverflowException when the conversation plus the token limit no longer fit the context
     * @throws dev.basalt.tokenizer.template.TemplateException when the template refuses the conversation
     */
    public GenerationResult reply(Consumer<GeneratedToken> onToken) {
        GenerationResult r = generator.generate(format.promptTokens(messages), options, onToken);
        messages.add(ChatMessage.assistant(r.text()));
        return r;
    }

    @Override
    public void close() {
        generator.close();
    }
}
