package dev.basalt.engine;

/**
 * How an {@link Embedder} turns texts into vectors.
 *
 * @param pooling the pooling to use; null = the one the model's file declares ({@code <arch>.pooling_type})
 * @param normalize scale each vector to unit L2 length (what OpenAI clients expect; llama.cpp's server does it
 *     by default, its library does not)
 * @param truncate cut inputs longer than {@link Embedder#maxTokens()} (keeping the first tokens and the last one,
 *     the end marker the model pools or was trained to see); false: refuse them with {@link InputTooLongException}
 * @param batchTokens the most tokens run through the layers at once; several short inputs share a batch, and one
 *     input must fit a batch (an encoder attends to the whole sequence at once), as llama.cpp's n_ubatch
 */
public record EmbeddingOptions(Pooling pooling, boolean normalize, boolean truncate, int batchTokens) {

    /** llama.cpp's default physical batch. */
    public static final int DEFAULT_BATCH_TOKENS = 512;

    public EmbeddingOptions {
        if (batchTokens <= 0) {
            throw new IllegalArgumentException("batch tokens must be positive, got " + batchTokens);
        }
    }

    /** The model's pooling, unnormalized, no truncation, batches of 512 tokens: llama.cpp's library defaults. */
    public static EmbeddingOptions defaults() {
        return new EmbeddingOptions(null, false, false, DEFAULT_BATCH_TOKENS);
    }

    public EmbeddingOptions withPooling(Pooling p) {
        return new EmbeddingOptions(p, normalize, truncate, batchTokens);
    }

    public EmbeddingOptions withNormalize(boolean n) {
        return new EmbeddingOptions(pooling, n, truncate, batchTokens);
    }

    public EmbeddingOptions withTruncate(boolean t) {
        return new EmbeddingOptions(pooling, normalize, t, batchTokens);
    }

    public EmbeddingOptions withBatchTokens(int tokens) {
        return new EmbeddingOptions(pooling, normalize, truncate, tokens);
    }
}
