package dev.basalt.engine;

/**
 * The operation needs another pooling than the embedder has: pooled vectors from a model (or override) without
 * pooling, rerank scores from a model without a classification head, vectors from a reranker's RANK pooling.
 */
public final class IncompatiblePoolingException extends RuntimeException {
    private final Pooling pooling;

    public IncompatiblePoolingException(String source, Pooling pooling, String what) {
        super(source + ": " + what + " (pooling is '" + pooling + "')");
        this.pooling = pooling;
    }

    public Pooling pooling() {
        return pooling;
    }
}
