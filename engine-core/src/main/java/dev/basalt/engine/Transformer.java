package dev.basalt.engine;

import dev.basalt.tensor.compute.Activation;
import dev.basalt.tensor.compute.AttentionConfig;
import dev.basalt.tensor.compute.Backend;
import dev.basalt.tensor.compute.RopeConfig;

/**
 * The forward pass, written once against {@link Backend} for every {@link ModelFamily}:
 *
 * <pre>
 *   x = embed(tokens)
 *   for each layer:
 *     h = x + Wo · Attention(RoPE(Wq · norm(x)), RoPE(Wk · norm(x)), Wv · norm(x))
 *     x = h + Wdown · (silu(Wgate · norm(h)) * Wup · norm(h))
 *   logits = Wout · norm(x)
 * </pre>
 *
 * A batch of tokens goes through each layer together (token-major activations); keys and values of the batch
 * are written to the KV cache at their positions before attention, which is causal over the cache.
 * Stateless apart from the weights: all per-session state is in {@link KvCache} and {@link Workspace}.
 */
final class Transformer {
    /** Largest number of tokens run through the layers together (llama.cpp's n_ubatch). */
    static final int MAX_BATCH = 512;
    /** Rows the output projection computes at once when every token's logits are wanted. */
    static final int OUTPUT_ROWS = 16;

    private final Backend backend;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final RopeConfig rope;
    private final AttentionConfig attention;

    Transformer(Backend backend, ModelFamily family, ModelConfig config, ModelWeights weights) {
        this.backend = backend;
        this.config = config;
        this.weights = weights;
        this.rope = new RopeConfig(config.ropeDimensionCount(), config.ropeFreqBase(), family.neoxRope(),
                weights.ropeFreqFactors(), config.ropeScaling().positionScale());
        this.attention = new AttentionConfig(config.headCount(), config.headCountKv(), config.keyLength(),
                (float) (1.0 / Math.sqrt(config.keyLength())), 0, 0.0f);
    }

    /** A session's activation buffers, sized for {@code batch} tokens. */
    final class Workspace {
        final int batch;
        final Activation x;
        final Activation xb;
        final Activation q;
        final Activation k;
        final Activation v;
        final Activation att;
        final Activation gate;
        final Activation up;
        final Activation outIn;
        final Activation outNorm;
        final Activation logits;

        Workspace(int batch) {
            this.batch = batch;
            int dim = config.embeddingLength();
            x = backend.allocate(batch * dim);
            xb = backend.allocate(batch * dim);
            q = backend.allocate(batch * config.queryDim());
            k = backend.allocate(batch * config.keyDim());
            v = backend.allocate(batch * config.valueDim());
            att = backend.allocate(batch * config.queryDim());
            gate = backend.allocate(batch * config.feedForwardLength());
            up = backend.allocate(batch * config.feedForwardLength());
            int outRows = Math.min(batch, OUTPUT_ROWS);
            outIn = backend.allocate(outRows * dim);
            outNorm = backend.allocate(outRows * dim);
            logits = backend.allocate(outRows * config.vocabSize());
        }
    }

    Workspace workspace(int contextLength) {
        return new Workspace(Math.min(MAX_BATCH, contextLength));
    }

    /**
     * Runs {@code ids} (at most the workspace's batch) through every layer at positions {@code pos0 ..}, leaving
     * the final hidden states in {@code ws.x} and the keys and values in {@code cache}.
     */
    void layers(KvCache cache, Workspace ws, int[] ids, int pos0) {
        int n = ids.length;
        int dim = config.embeddingLength();
        int ffn = config.feedForwardLength();
        int[] positions = new int[n];
        for (int t = 0; t < n; t++) {
            positions[t] = pos0 + t;
        }
        backend.rows(weights.tokenEmbedding(), ids, ws.x);
        for (int l = 0; l < config.blockCount(); l++) {
            ModelWeights.Layer w = weights.layers()[l];
            // attention: h = x + Wo · Attention(RoPE(Wq · norm(x)), RoPE(Wk · norm(x)), Wv · norm(x))
            backend.rmsNorm(ws.x, w.attnNorm(), ws.xb, dim, n, config.rmsNormEpsilon());
            backend.matmul(w.wq(), ws.xb, ws.q, n);
            backend.matmul(w.wk(), ws.xb, ws.k, n);
            backend.matmul(w.wv(), ws.xb, ws.v, n);
            backend.rope(ws.q, config.headCount(), config.keyLength(), positions, n, rope);
            backend.rope(ws.k, config.headCountKv(), config.keyLength(), positions, n, rope);
            backend.copy(ws.k, 0, cache.keys[l], pos0 * config.keyDim(), n * config.keyDim());
            backend.copy(ws.v, 0, cache.values[l], pos0 * config.valueDim(), n * config.valueDim());
            backend.attention(ws.q, cache.keys[l], cache.values[l], ws.att, n, pos0, attention);
            backend.matmul(w.wo(), ws.att, ws.xb, n);
            backend.add(ws.x, ws.xb, n * dim);
            // feed-forward: x = h + Wdown · (silu(Wgate · norm(h)) * Wup · norm(h))
            backend.rmsNorm(ws.x, w.ffnNorm(), ws.xb, dim, n, config.rmsNormEpsilon());
            backend.matmul(w.gate(), ws.xb, ws.gate, n);
            backend.matmul(w.up(), ws.xb, ws.up, n);
            backend.swiglu(ws.gate, ws.up, n * ffn);
            backend.matmul(w.down(), ws.gate, ws.xb, n);
            backend.add(ws.x, ws.xb, n * dim);
        }
    }

    /** logits = Wout · norm(x) for rows {@code from .. from + count) of {@code ws.x}, into {@code out[outOffset ..]}. */
    void logits(Workspace ws, int from, int count, float[] out, int outOffset) {
        int dim = config.embeddingLength();
        int vocab = config.vocabSize();
        int chunk = Math.min(ws.batch, OUTPUT_ROWS);
        for (int r = 0; r < count; r += chunk) {
            int k = Math.min(chunk, count - r);
            backend.copy(ws.x, (from + r) * dim, ws.outIn, 0, k * dim);
            backend.rmsNorm(ws.outIn, weights.outputNorm(), ws.outNorm, dim, k, config.rmsNormEpsilon());
            backend.matmul(weights.output(), ws.outNorm, ws.logits, k);
            backend.read(ws.logits, 0, out, outOffset + r * vocab, k * vocab);
        }
    }
}
