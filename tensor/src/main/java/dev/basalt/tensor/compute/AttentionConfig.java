package dev.basalt.tensor.compute;

/**
 * The shape of multi-head attention with grouped queries: {@code heads} query heads share {@code kvHeads} key/value
 * heads ({@code heads / kvHeads} queries per KV head).
 *
 * @param scale multiplies the query-key dot products (usually 1/sqrt(headDim))
 * @param slidingWindow 0 for full attention, else a token attends only to the last {@code slidingWindow} positions
 * @param softcap 0 for none, else scores become softcap * tanh(score / softcap) before the softmax
 * @param causal true: a token attends to itself and the tokens before it (decoders); false: to every token of its
 *     sequence (encoders such as BERT)
 */
public record AttentionConfig(int heads, int kvHeads, int headDim, float scale, int slidingWindow, float softcap,
        boolean causal) {

    /** Causal attention, as every decoder uses. */
    public AttentionConfig(int heads, int kvHeads, int headDim, float scale, int slidingWindow, float softcap) {
        this(heads, kvHeads, headDim, scale, slidingWindow, softcap, true);
    }

    public AttentionConfig {
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0 || headDim <= 0) {
            throw new IllegalArgumentException("attention needs heads a multiple of kvHeads and a positive head size: "
                    + heads + "/" + kvHeads + "/" + headDim);
        }
    }

    public int queryDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }
}
