package dev.basalt.engine;

import dev.basalt.tensor.compute.Activation;
import dev.basalt.tensor.compute.AttentionConfig;
import dev.basalt.tensor.compute.Backend;
import dev.basalt.tensor.compute.RopeConfig;
import dev.basalt.tensor.compute.WeightMatrix;

/**
 * The forward pass, written once against {@link Backend} for every {@link ModelFamily}; the family's
 * {@link BlockTrait}s switch on the steps in brackets:
 *
 * <pre>
 *   x = embed(tokens) [· sqrt(dim)] [+ tokenType₀] [+ position_embd(pos)];  [x = LayerNorm(x)]
 *   for each layer:
 *     in = pre-norm block ? norm(x) : x
 *     q, k, v = Wq·in [+ bq], Wk·in [+ bk], Wv·in [+ bv]
 *     q, k = [RoPE]([headNorm](q)), [RoPE]([headNorm](k))       (base and window per layer; none with absolute positions)
 *     h = x + [postNorm](Wo · Attention(q, k, v) [+ bo])         ([soft-capped] scores; causal or not)
 *     [post-norm block: h = LayerNorm(h)]
 *     in = pre-norm block ? norm(h) : h
 *     x = h + [postNorm](Wdown · (act(Wgate · in) * Wup · in) [+ bdown])    (act: SiLU or GELU;
 *                                                                        ungated: act(Wup · in [+ bup]))
 *     [post-norm block: x = LayerNorm(x)]
 *   logits = [softcap](Wout · norm(x));   embeddings: pre-norm ? norm(x) : x
 * </pre>
 *
 * A batch of tokens goes through each layer together (token-major activations). A session's batch continues one
 * sequence: its keys and values are written to the KV cache at their positions before attention, which is causal
 * over the cache (and limited to the window in sliding-window layers). An embedding batch packs several whole
 * sequences, each attending only to itself ({@link Backend#packedAttention}), with no cache. Stateless apart from
 * the weights: all per-call state is in {@link KvCache} and {@link Workspace}.
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
    /** Per layer, the projections of the same input, run as one {@link Backend#matmuls}: {Wq, Wk, Wv}. */
    private final WeightMatrix[][] qkv;
    /** Per layer {Wup, Wgate}, or {Wup} in an ungated feed-forward. */
    private final WeightMatrix[][] upGate;

    Transformer(Backend backend, ModelFamily family, ModelConfig config, ModelWeights weights) {
        this.backend = backend;
        this.family = family;
        this.config = config;
        this.weights = weights;
        this.attention = new AttentionConfig[config.blockCount()];
        for (int l = 0; l < attention.length; l++) {
            attention[l] = new AttentionConfig(config.headCount(), config.headCountKv(), config.keyLength(),
                    config.queryScale(), config.slidingLayer(l) ? config.slidingWindow() : 0, config.attentionSoftcap(),
                    config.causalAttention());
        }
        this.qkv = new WeightMatrix[config.blockCount()][];
        this.upGate = new WeightMatrix[config.blockCount()][];
        for (int l = 0; l < qkv.length; l++) {
            ModelWeights.Layer w = weights.layers()[l];
            qkv[l] = new WeightMatrix[] {w.wq(), w.wk(), w.wv()};
            upGate[l] = family.has(BlockTrait.UNGATED_FFN) ? new WeightMatrix[] {w.up()}
                    : new WeightMatrix[] {w.up(), w.gate()};
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

    /**
     * A session's (or an embedding call's) activation buffers, sized for {@code batch} tokens, and its RoPE per
     * layer; the output projection's buffers only when logits are wanted, the classification head's only when the
     * model has one.
     */
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
        /** {q, k, v} and {up, gate} (or {up}): the outputs of {@link #qkv} and {@link #upGate}. */
        final Activation[] qkvOut;
        final Activation[] upGateOut;
        final Activation outIn;
        final Activation outNorm;
        final Activation logits;
        final Activation headIn;
        final Activation headHidden;
        final Activation headOut;

        Workspace(int batch, int contextLength, boolean withLogits) {
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
            qkvOut = new Activation[] {q, k, v};
            upGateOut = family.has(BlockTrait.UNGATED_FFN) ? new Activation[] {up} : new Activation[] {up, gate};
            int outRows = withLogits ? Math.min(batch, OUTPUT_ROWS) : 0;
            outIn = withLogits ? backend.allocate(outRows * dim) : null;
            outNorm = withLogits ? backend.allocate(outRows * dim) : null;
            logits = withLogits ? backend.allocate(outRows * config.vocabSize()) : null;
            boolean head = weights.classifier() != null && !withLogits;
            headIn = head ? backend.allocate(batch * dim) : null;
            headHidden = head ? backend.allocate(batch * dim) : null;
            headOut = head ? backend.allocate(batch * config.classifierLabels()) : null;
        }
    }

    /** A session's workspace: batches of up to {@link #MAX_BATCH} tokens, logits. */
    Workspace workspace(int contextLength) {
        return new Workspace(Math.min(MAX_BATCH, contextLength), contextLength, true);
    }

    /** An embedding workspace: batches of up to {@code batch} tokens, no logits. */
    Workspace embeddingWorkspace(int batch, int contextLength) {
        return new Workspace(batch, contextLength, false);
    }

    /** How the tokens of a batch attend, layer by layer, once their q, k and v are in the workspace. */
    @FunctionalInterface
    private interface AttentionStep {
        void attend(int layer, Workspace ws, int tokens);
    }

    /**
     * Runs {@code ids} (at most the workspace's batch) through every layer at positions {@code pos0 ..}, leaving
     * the final hidden states in {@code ws.x} and the keys and values in {@code cache}.
     */
    void layers(KvCache cache, Workspace ws, int[] ids, int pos0) {
        int[] positions = new int[ids.length];
        for (int t = 0; t < ids.length; t++) {
            positions[t] = pos0 + t;
        }
        run(ws, ids, positions, (l, w, n) -> {
            backend.copy(w.k, 0, cache.keys[l], pos0 * config.keyDim(), n * config.keyDim());
            backend.copy(w.v, 0, cache.values[l], pos0 * config.valueDim(), n * config.valueDim());
            backend.attention(w.q, cache.keys[l], cache.values[l], w.att, n, pos0, attention[l]);
        });
    }

    /**
     * Runs whole sequences packed into one batch ({@code ids}, at most the workspace's batch; sequence s starts at
     * row {@code sequenceStarts[s]}, its tokens at positions 0, 1, ...), each attending only to itself; leaves the
     * final hidden states in {@code ws.x}.
     */
    void packedLayers(Workspace ws, int[] ids, int[] sequenceStarts) {
        int[] positions = new int[ids.length];
        for (int s = 0; s < sequenceStarts.length; s++) {
            int end = s + 1 < sequenceStarts.length ? sequenceStarts[s + 1] : ids.length;
            for (int t = sequenceStarts[s]; t < end; t++) {
                positions[t] = t - sequenceStarts[s];
            }
        }
        run(ws, ids, positions, (l, w, n) -> backend.packedAttention(w.q, w.k, w.v, w.att, n, sequenceStarts, attention[l]));
    }

    private void run(Workspace ws, int[] ids, int[] positions, AttentionStep attend) {
        int n = ids.length;
        int dim = config.embeddingLength();
        int ffn = config.feedForwardLength();
        float eps = config.normEpsilon();
        boolean preNorm = !family.has(BlockTrait.NORM_AFTER_RESIDUAL);
        embed(ws, ids, positions);
        for (int l = 0; l < config.blockCount(); l++) {
            ModelWeights.Layer w = weights.layers()[l];
            // attention: h = x + [postNorm](Wo · Attention(RoPE(q), RoPE(k), v)), [h = LayerNorm(h)]
            Activation in = ws.x;
            if (preNorm) {
                backend.rmsNorm(ws.x, w.attnNorm(), ws.xb, dim, n, eps);
                in = ws.xb;
            }
            backend.matmuls(qkv[l], in, ws.qkvOut, n);
            if (family.has(BlockTrait.QKV_BIAS)) {
                backend.addBias(ws.q, w.qBias(), config.queryDim(), n);
                backend.addBias(ws.k, w.kBias(), config.keyDim(), n);
                backend.addBias(ws.v, w.vBias(), config.valueDim(), n);
            }
            if (family.has(BlockTrait.QK_NORM)) {
                backend.rmsNorm(ws.q, w.qNorm(), ws.q, config.keyLength(), n * config.headCount(), eps);
                backend.rmsNorm(ws.k, w.kNorm(), ws.k, config.keyLength(), n * config.headCountKv(), eps);
            }
            if (!family.has(BlockTrait.ABSOLUTE_POSITIONS)) {
                backend.rope(ws.q, config.headCount(), config.keyLength(), positions, n, ws.ropes[l]);
                backend.rope(ws.k, config.headCountKv(), config.keyLength(), positions, n, ws.ropes[l]);
            }
            attend.attend(l, ws, n);
            backend.matmul(w.wo(), ws.att, ws.xb, n);
            if (family.has(BlockTrait.DENSE_BIASES)) {
                backend.addBias(ws.xb, w.woBias(), dim, n);
            }
            if (family.has(BlockTrait.POST_NORMS)) {
                backend.rmsNorm(ws.xb, w.attnPostNorm(), ws.xb, dim, n, eps);
            }
            backend.add(ws.x, ws.xb, n * dim);
            if (!preNorm) {
                backend.layerNorm(ws.x, w.attnOutNorm(), w.attnOutNormBias(), ws.x, dim, n, eps);
            }
            // feed-forward: x = h + [postNorm](Wdown · (act(Wgate · in) * Wup · in)), [x = LayerNorm(x)]
            in = ws.x;
            if (preNorm) {
                backend.rmsNorm(ws.x, w.ffnNorm(), ws.xb, dim, n, eps);
                in = ws.xb;
            }
            backend.matmuls(upGate[l], in, ws.upGateOut, n);
            if (family.has(BlockTrait.DENSE_BIASES)) {
                backend.addBias(ws.up, w.upBias(), ffn, n);
            }
            Activation hidden;
            if (family.has(BlockTrait.UNGATED_FFN)) {
                backend.gelu(ws.up, n * ffn);
                hidden = ws.up;
            } else {
                if (family.has(BlockTrait.GELU_FFN)) {
                    backend.geglu(ws.gate, ws.up, n * ffn);
                } else {
                    backend.swiglu(ws.gate, ws.up, n * ffn);
                }
                hidden = ws.gate;
            }
            backend.matmul(w.down(), hidden, ws.xb, n);
            if (family.has(BlockTrait.DENSE_BIASES)) {
                backend.addBias(ws.xb, w.downBias(), dim, n);
            }
            if (family.has(BlockTrait.POST_NORMS)) {
                backend.rmsNorm(ws.xb, w.ffnPostNorm(), ws.xb, dim, n, eps);
            }
            backend.add(ws.x, ws.xb, n * dim);
            if (!preNorm) {
                backend.layerNorm(ws.x, w.layerOutNorm(), w.layerOutNormBias(), ws.x, dim, n, eps);
            }
        }
    }

    /** x = embed(tokens) [· sqrt(dim)] [+ tokenType₀] [+ position_embd(pos)], [x = LayerNorm(x)]. */
    private void embed(Workspace ws, int[] ids, int[] positions) {
        int n = ids.length;
        int dim = config.embeddingLength();
        backend.rows(weights.tokenEmbedding(), ids, ws.x);
        if (family.has(BlockTrait.SCALED_EMBEDDING)) {
            backend.scale(ws.x, (float) Math.sqrt(dim), n * dim);
        }
        if (weights.tokenTypeRow() != null) {
            backend.addBias(ws.x, weights.tokenTypeRow(), dim, n);
        }
        if (family.has(BlockTrait.ABSOLUTE_POSITIONS)) {
            backend.rows(weights.positionEmbedding(), positions, ws.xb);
            backend.add(ws.x, ws.xb, n * dim);
        }
        if (family.has(BlockTrait.EMBEDDING_NORM)) {
            backend.layerNorm(ws.x, weights.embeddingNorm(), weights.embeddingNormBias(), ws.x, dim, n, config.normEpsilon());
        }
    }

    /**
     * The final hidden states of the {@code tokens} rows the last {@link #packedLayers} left, as llama.cpp's
     * embeddings: pre-norm families normalize them with {@code output_norm} (into {@code ws.xb}); post-norm ones are
     * normalized already ({@code ws.x}).
     */
    Activation hiddenStates(Workspace ws, int tokens) {
        if (weights.outputNorm() == null) {
            return ws.x;
        }
        backend.rmsNorm(ws.x, weights.outputNorm(), ws.xb, config.embeddingLength(), tokens, config.normEpsilon());
        return ws.xb;
    }

    /**
     * The classification head over {@code rows} of {@code states} (one per sequence: its first token), into
     * {@code out} ({@link ModelConfig#classifierLabels()} raw scores per row): llama.cpp's RANK pooling.
     */
    void classify(Workspace ws, Activation states, int[] rows, float[] out) {
        ModelWeights.ClassifierHead head = weights.classifier();
        int dim = config.embeddingLength();
        int n = rows.length;
        for (int i = 0; i < n; i++) {
            backend.copy(states, rows[i] * dim, ws.headIn, i * dim, dim);
        }
        Activation in = ws.headIn;
        if (head.dense() != null) {
            backend.matmul(head.dense(), ws.headIn, ws.headHidden, n);
            backend.addBias(ws.headHidden, head.denseBias(), dim, n);
            backend.tanh(ws.headHidden, n * dim);
            in = ws.headHidden;
        }
        backend.matmul(head.out(), in, ws.headOut, n);
        backend.addBias(ws.headOut, head.outBias(), config.classifierLabels(), n);
        backend.read(ws.headOut, 0, out, 0, n * config.classifierLabels());
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
            backend.rmsNorm(ws.outIn, weights.outputNorm(), ws.outNorm, dim, k, config.normEpsilon());
            backend.matmul(weights.output(), ws.outNorm, ws.logits, k);
            if (config.finalSoftcap() > 0) {
                backend.softcap(ws.logits, config.finalSoftcap(), k * vocab);
            }
            backend.read(ws.logits, 0, out, outOffset + r * vocab, k * vocab);
        }
    }
}
