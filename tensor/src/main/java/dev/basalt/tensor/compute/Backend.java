package dev.basalt.tensor.compute;

import dev.basalt.tensor.Tensor;

/**
 * The operations a transformer forward pass needs, implemented once per kind of hardware (the CPU in
 * {@code kernels-cpu}, OpenCL in {@code kernels-gpu}). Activations are laid out token-major: a batch of
 * {@code tokens} vectors of size {@code dim} occupies {@code tokens * dim} consecutive floats.
 *
 * <p>A backend is shared by every session of a model; its operations may be called from several threads at
 * once on disjoint activations.
 */
public interface Backend extends AutoCloseable {

    String name();

    /** A zero-filled activation buffer of {@code floats} values. */
    Activation allocate(int floats);

    /** Copies host floats into {@code dst[dstOffset ..]}. */
    void write(float[] src, int srcOffset, Activation dst, int dstOffset, int n);

    /** Copies {@code src[srcOffset .. srcOffset + n)} to the host. */
    void read(Activation src, int srcOffset, float[] dst, int dstOffset, int n);

    /** Copies within or between activations. */
    void copy(Activation src, int srcOffset, Activation dst, int dstOffset, int n);

    /** Prepares a 2-D weight tensor (ggml shape {@code [cols, rows]}) for {@link #matmul}; done once at load. */
    WeightMatrix matrix(Tensor weight);

    /** A 1-D weight tensor (a norm weight or bias), converted to float32 in backend memory. */
    Activation vector(Tensor weight);

    /** {@code out[t] = row ids[t] of table}, dequantized: the embedding lookup. */
    void rows(WeightMatrix table, int[] ids, Activation out);

    /** {@code y[t][0..rows) = W · x[t][0..cols)} for each of {@code tokens} tokens. */
    void matmul(WeightMatrix w, Activation x, Activation y, int tokens);

    /**
     * {@code y[i] = w[i] · x} for each i, as {@link #matmul} does, the matrices all having {@code x}'s width: the
     * projections that read the same input (Q, K and V; gate and up). A backend may run them as one job, so that
     * decode hands work to its threads once instead of once per matrix; this default runs them one by one.
     */
    default void matmuls(WeightMatrix[] w, Activation x, Activation[] y, int tokens) {
        if (w.length != y.length) {
            throw new IllegalArgumentException(w.length + " matrices but " + y.length + " outputs");
        }
        for (int i = 0; i < w.length; i++) {
            matmul(w[i], x, y[i], tokens);
        }
    }

    /**
     * {@code out[t] = x[t] / sqrt(mean(x[t]²) + eps) * weight}, per row of {@code dim} values ({@code tokens} rows).
     * {@code out} may be {@code x}. Per-head norms (Q/K norm) pass the head size as {@code dim} and
     * tokens * heads as {@code tokens}.
     */
    void rmsNorm(Activation x, Activation weight, Activation out, int dim, int tokens, float eps);

    /**
     * Rotates each of the {@code heads} heads (of {@code headDim} values) of each token in place, token t being at
     * position {@code positions[t]}.
     */
    void rope(Activation x, int heads, int headDim, int[] positions, int tokens, RopeConfig rope);

    /**
     * Attention of {@code tokens} query tokens, token t at position {@code startPos + t}, over the cache rows
     * 0 .. startPos + t when {@link AttentionConfig#causal()}, else over rows 0 .. startPos + tokens - 1 (keys and
     * values of {@code kvDim} floats per position, already written for these tokens); the heads' outputs are
     * concatenated into {@code out} ({@code queryDim} per token).
     */
    void attention(Activation q, Activation keyCache, Activation valueCache, Activation out, int tokens, int startPos,
            AttentionConfig config);

    /**
     * Attention within each of several independent sequences packed into one batch (batched embeddings): sequence s
     * holds the batch rows {@code sequenceStarts[s] .. sequenceStarts[s + 1]} (the last one up to {@code tokens}),
     * its tokens at positions 0, 1, ... A token attends only to the keys of its own sequence: those up to itself when
     * {@link AttentionConfig#causal()}, else all of them; a sliding window counts positions within the sequence.
     * {@code keys} and {@code values} hold one row of {@code kvDim} floats per batch row.
     */
    void packedAttention(Activation q, Activation keys, Activation values, Activation out, int tokens,
            int[] sequenceStarts, AttentionConfig config);

    /** {@code gate[i] = silu(gate[i]) * up[i]} for {@code n} values: the SwiGLU activation. */
    void swiglu(Activation gate, Activation up, int n);

    /**
     * {@code gate[i] = gelu(gate[i]) * up[i]} for {@code n} values, GELU in its tanh approximation
     * {@code 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³)))}: the GeGLU activation of Gemma.
     */
    void geglu(Activation gate, Activation up, int n);

    /**
     * {@code x[i] = gelu(x[i])} for {@code n} values, the same GELU as {@link #geglu}: the activation of an ungated
     * feed-forward (BERT).
     */
    void gelu(Activation x, int n);

    /** {@code x[i] = tanh(x[i])} for {@code n} values (the pooler of a classification head). */
    void tanh(Activation x, int n);

    /**
     * {@code out[t] = (x[t] - mean(x[t])) / sqrt(var(x[t]) + eps) * weight + bias} per row of {@code dim} values
     * ({@code tokens} rows), with the biased variance: LayerNorm (BERT). {@code out} may be {@code x}.
     */
    void layerNorm(Activation x, Activation weight, Activation bias, Activation out, int dim, int tokens, float eps);

    /** {@code x[i] += y[i]} for {@code n} values: the residual connection. */
    void add(Activation x, Activation y, int n);

    /** {@code x[t][i] += bias[i]} for each of {@code tokens} rows of {@code dim} values: a projection's bias. */
    void addBias(Activation x, Activation bias, int dim, int tokens);

    /** {@code x[i] *= factor} for {@code n} values. */
    void scale(Activation x, float factor, int n);

    /** {@code x[i] = cap · tanh(x[i] / cap)} for {@code n} values: logit soft-capping (Gemma 2). */
    void softcap(Activation x, float cap, int n);

    /** Releases what the backend holds (device memory, threads). */
    @Override
    void close();
}
