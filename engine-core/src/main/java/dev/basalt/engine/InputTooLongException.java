package dev.basalt.engine;

/**
 * An input to embed or rerank has more tokens than the model takes at once; nothing was computed. Thrown unless
 * the caller opted into truncation ({@link EmbeddingOptions#truncate()}).
 */
public final class InputTooLongException extends RuntimeException {
    private final int index;
    private final int tokens;
    private final int limit;

    public InputTooLongException(int index, int tokens, int limit) {
        super("input " + index + " has " + tokens + " tokens, more than the " + limit + " the model takes at once "
                + "(its context length, or the batch size when smaller); shorten it or enable truncation");
        this.index = index;
        this.tokens = tokens;
        this.limit = limit;
    }

    /** Which input, counting from 0. */
    public int index() {
        return index;
    }

    public int tokens() {
        return tokens;
    }

    public int limit() {
        return limit;
    }
}
