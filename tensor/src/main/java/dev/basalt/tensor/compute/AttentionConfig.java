package dev.basalt.tensor.compute;

/**
 * The shape of causal multi-head attention over a KV cache with grouped queries: {@code heads} query heads share
 * {@code kvHeads} key/value heads ({@code heads / kvHeads} queries per KV head).
 *
 * @param scale multiplies the query-key dot products (usually 1/sqrt(headDim))
 * @param slidingWindow 0 for full attention, else a token attends only to the last {@code slidingWindow} positions
 * @param softcap 0 for none, else scores become softcap * tanh(score / softcap) before the softmax
 */
public record AttentionConfig(int heads, int kvHeads, int headDim, float scale, int slidingWindow, float softcap) {

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
