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
        super("context overflow: " + position + " tokens already in the context + " + requested + " requested = "
                + ((long) position + requested) + " exceeds the context length " + contextLength);
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
