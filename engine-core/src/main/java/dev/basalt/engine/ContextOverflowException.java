package dev.basalt.engine;

/**
 * A forward pass would run past the end of the session's context (its KV cache). Thrown before any work is done,
 * so the session is unchanged.
 */
public final class ContextOverflowException extends RuntimeException {
    private final int position;
    private final int requested;
    private final int contextLength;

    public ContextOverflowException(int position, int requested, int contextLength) {
        this("context overflow: " + position + " tokens already in the context + " + requested + " requested = "
                + ((long) position + requested) + " exceeds the context length " + contextLength,
                position, requested, contextLength);
    }

    /** A generation whose prompt plus token budget would not fit an empty context. */
    public static ContextOverflowException forGeneration(int promptTokens, int maxTokens, int contextLength) {
        return new ContextOverflowException("context overflow: a prompt of " + promptTokens + " tokens + up to "
                + maxTokens + " generated tokens exceeds the context length " + contextLength
                + " (shorten the prompt, lower the token limit or raise the context length)",
                0, promptTokens + maxTokens, contextLength);
    }

    private ContextOverflowException(String message, int position, int requested, int contextLength) {
        super(message);
        this.position = position;
        this.requested = requested;
        this.contextLength = contextLength;
    }

    /** Tokens already in the context. */
    public int position() {
        return position;
    }

    /** Tokens the refused call asked to add. */
    public int requested() {
        return requested;
    }

    public int contextLength() {
        return contextLength;
    }
}
