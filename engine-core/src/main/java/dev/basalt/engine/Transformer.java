package dev.basalt.engine;

import dev.basalt.tensor.compute.Activation;
import dev.basalt.tensor.compute.AttentionConfig;
import dev.basalt.tensor.compute.Backend;
import dev.basalt.tensor.compute.RopeConfig;

/**
 * The forward pass, written once against {@link Backend} for every {@link ModelFamily}; the family's
 * {@link BlockTrait}s switch on the steps in brackets:
 *
 * <pre>
 *   x = embed(tokens) [· sqrt(dim)]
 *   for each layer:
 *     q, k, v = Wq·norm(x) [+ bq], Wk·norm(x) [+ bk], Wv·norm(x) [+ bv]
 *     q, k = RoPE([headNorm](q)), RoPE([headNorm](k))          (base and window per layer)
 *     h = x + [postNorm](Wo · Attention(q, k, v))             ([soft-capped] scores)
 *     x = h + [postNorm](Wdown · (act(Wgate · norm(h)) * Wup · norm(h)))    (act: SiLU or GELU)
 *   logits = [softcap](Wout · norm(x))
 * </pre>
 *
 * A batch of tokens goes through each layer together (token-major activations); keys and values of the batch
 * are written to the KV cache at their positions before attention, which is causal over the cache (and limited
 * to the window in sliding-window layers). Stateless apart from the weights: all per-session state is in
 * {@link KvCache} and {@link Workspace}.
 */
final class Transformer {
    /** Largest number of tokens run through the layers together (llama.cpp's n_ubatch). */
    static final int MAX_BATCH = 512;
    /** Rows the output projection computes at once when every token's logits are wanted. */
    static final int OUTPUT_ROWS = 16;

    private final Backend backend;
    private final ModelFamily family;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final AttentionConfig[] attention;

    Transformer(Backend backend, ModelFamily family, ModelConfig config, ModelWeights weights) {
        this.backend = backend;
        this.family = family;
        this.config = config;
        this.weights = weights;
        this.attention = new AttentionConfig[config.blockCount()];
        for (int l = 0; l < attention.length; l++) {
            attention[l] = new AttentionConfig(config.headCount(), config.headCountKv(), config.keyLength(),
                    config.queryScale(), config.slidingLayer(l) ? config.slidingWindow() : 0, config.attentionSoftcap());
        }
    }

    /**
     * The RoPE of each layer for a session of {@code contextLength} positions: local layers have their own base and
     * scaling; LongRoPE's long factors apply when the context exceeds the original one (as llama.cpp decides by its
     * context size), else its short ones; Llama 3's {@code rope_freqs} apply to every context.
     */
    private RopeConfig[] ropes(int contextLength) {
        float[] factors = weights.ropeFreqFactors();
        if (factors == null && weights.ropeFactorsLong() != null) {
            factors = contextLength > config.ropeOriginalContextLength() ? weights.ropeFactorsLong()
                    : weights.ropeFactorsShort();
        }
        RopeConfig[] out = new RopeConfig[config.blockCount()];
        for (int l = 0; l < out.length; l++) {
            boolean local = config.slidingLayer(l);
            out[l] = new RopeConfig(config.ropeDimensionCount(), local ? config.ropeFreqBaseLocal() : config.ropeFreqBase(),
                    family.neoxRope(), factors,
                    (local ? config.ropeScalingLocal() : config.ropeScaling()).positionScale(), config.ropeAttnFactor());
        }
        return out;
    }

    /** A session's activation buffers, sized for {@code batch} tokens, and its RoPE per layer. */
    final class Workspace {
        final int batch;
        final RopeConfig[] ropes;
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

        Workspace(int batch, int contextLength) {
            this.batch = batch;
            this.ropes = ropes(contextLength);
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
        return new Workspace(Math.min(MAX_BATCH, contextLength), contextLength);
    }

    /**
     * Runs {@code ids} (at most the workspace's batch) through every layer at positions {@code pos0 ..}, leaving
     * the final hidden states in {@code ws.x} and the keys and values in {@code cache}.
     */
    void layers(KvCache cache, Workspace ws, int[] ids, int pos0) {
        int n = ids.length;
        int dim = config.embeddingLength();
        int ffn = config.feedForwardLength();
        float eps = config.rmsNormEpsilon();
        int[] positions = new int[n];
        for (int t = 0; t < n; t++) {
            positions[t] = pos0 + t;
        }
        backend.rows(weights.tokenEmbedding(), ids, ws.x);
        if (family.has(BlockTrait.SCALED_EMBEDDING)) {
            backend.scale(ws.x, (float) Math.sqrt(dim), n * dim);
        }
        for (int l = 0; l < config.blockCount(); l++) {
            ModelWeights.Layer w = weights.layers()[l];
            // attention: h = x + [postNorm](Wo · Attention(RoPE(q), RoPE(k), v))
            backend.rmsNorm(ws.x, w.attnNorm(), ws.xb, dim, n, eps);
            backend.matmul(w.wq(), ws.xb, ws.q, n);
            backend.matmul(w.wk(), ws.xb, ws.k, n);
            backend.matmul(w.wv(), ws.xb, ws.v, n);
            if (family.has(BlockTrait.QKV_BIAS)) {
                backend.addBias(ws.q, w.qBias(), config.queryDim(), n);
                backend.addBias(ws.k, w.kBias(), config.keyDim(), n);
                backend.addBias(ws.v, w.vBias(), config.valueDim(), n);
            }
            if (family.has(BlockTrait.QK_NORM)) {
                backend.rmsNorm(ws.q, w.qNorm(), ws.q, config.keyLength(), n * config.headCount(), eps);
                backend.rmsNorm(ws.k, w.kNorm(), ws.k, config.keyLength(), n * config.headCountKv(), eps);
            }
            backend.rope(ws.q, config.headCount(), config.keyLength(), positions, n, ws.ropes[l]);
            backend.rope(ws.k, config.headCountKv(), config.keyLength(), positions, n, ws.ropes[l]);
            backend.copy(ws.k, 0, cache.keys[l], pos0 * config.keyDim(), n * config.keyDim());
            backend.copy(ws.v, 0, cache.values[l], pos0 * config.valueDim(), n * config.valueDim());
            backend.attention(ws.q, cache.keys[l], cache.values[l], ws.att, n, pos0, attention[l]);
            backend.matmul(w.wo(), ws.att, ws.xb, n);
            if (family.has(BlockTrait.POST_NORMS)) {
                backend.rmsNorm(ws.xb, w.attnPostNorm(), ws.xb, dim, n, eps);
            }
            backend.add(ws.x, ws.xb, n * dim);
            // feed-forward: x = h + [postNorm](Wdown · (act(Wgate · norm(h)) * Wup · norm(h)))
            backend.rmsNorm(ws.x, w.ffnNorm(), ws.xb, dim, n, eps);
            backend.matmul(w.gate(), ws.xb, ws.gate, n);
            backend.matmul(w.up(), ws.xb, ws.up, n);
            if (family.has(BlockTrait.GELU_FFN)) {
                backend.geglu(ws.gate, ws.up, n * ffn);
            } else {
                backend.swiglu(ws.gate, ws.up, n * ffn);
            }
            backend.matmul(w.down(), ws.gate, ws.xb, n);
            if (family.has(BlockTrait.POST_NORMS)) {
                backend.rmsNorm(ws.xb, w.ffnPostNorm(), ws.xb, dim, n, eps);
            }
            backend.add(ws.x, ws.xb, n * dim);
        }
    }

    /**
     * logits = [softcap](Wout · norm(x)) for rows {@code from .. from + count) of {@code ws.x}, into
     * {@code out[outOffset ..]}.
     */
    void logits(Workspace ws, int from, int count, float[] out, int outOffset) {
        int dim = config.embeddingLength();
        int vocab = config.vocabSize();
        int chunk = Math.min(ws.batch, OUTPUT_ROWS);
        for (int r = 0; r < count; r += chunk) {
            int k = Math.min(chunk, count - r);
            backend.copy(ws.x, (from + r) * dim, ws.outIn, 0, k * dim);
            backend.rmsNorm(ws.outIn, weights.outputNorm(), ws.outNorm, dim, k, config.rmsNormEpsilon());
            backend.matmul(weights.output(), ws.outNorm, ws.logits, k);
            if (config.finalSoftcap() > 0) {
                backend.softcap(ws.logits, config.finalSoftcap(), k * vocab);
            }
            backend.read(ws.logits, 0, out, outOffset + r * vocab, k * vocab);
        }
    }
}
